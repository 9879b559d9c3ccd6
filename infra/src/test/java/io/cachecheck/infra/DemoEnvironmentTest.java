package io.cachecheck.infra;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;

class DemoEnvironmentTest {

  private static Template template;

  @BeforeAll
  static void synth() {
    template = TestStacks.template(Map.of("demo", "true"));
  }

  @Test
  void demo_createsAnEncryptedPostgresWithIamAuth() {
    template.hasResourceProperties("AWS::RDS::DBInstance", Match.objectLike(Map.of(
        "Engine", "postgres",
        "StorageEncrypted", true,
        "EnableIAMDatabaseAuthentication", true,
        "PubliclyAccessible", false)));
  }

  @Test
  void demo_createsRedisWithTlsEncryptionAtRestAndAuth() {
    template.hasResourceProperties("AWS::ElastiCache::ReplicationGroup", Match.objectLike(Map.of(
        "Engine", "redis",
        "TransitEncryptionEnabled", true,
        "AtRestEncryptionEnabled", true,
        "AuthToken", Match.anyValue())));
  }

  @Test
  void demo_vpcHasFlowLogsAndEndpointsButNoNat() {
    template.resourceCountIs("AWS::EC2::VPC", 1);
    template.resourceCountIs("AWS::EC2::NatGateway", 0);
    template.resourceCountIs("AWS::EC2::FlowLog", 1);
    template.resourceCountIs("AWS::EC2::VPCEndpoint", 3);
  }

  @Test
  void demo_functionsGetTheGeneratedSecretsAndCacheEndpoint() {
    var fn = template.findResources("AWS::Lambda::Function", Match.objectLike(Map.of("Properties", Match.objectLike(Map.of(
        "Handler", "io.cachecheck.handler.ValidateShardHandler::handleRequest")))));
    assertThat(fn).hasSize(1);
    var variables = ((Map<?, ?>) ((Map<?, ?>) ((Map<?, ?>) fn.values().iterator().next().get("Properties"))
        .get("Environment")).get("Variables"));
    assertThat(variables.keySet().stream().map(Object::toString).toList()).contains("CACHECHECK_DB_SECRET_ARN", "CACHECHECK_CACHE_SECRET_ARN",
        "CACHECHECK_CACHE_ENDPOINT", "CACHECHECK_DB_ENDPOINT", "CACHECHECK_CONTRACT_LOCATION");
    assertThat(variables.get("CACHECHECK_CACHE_TLS")).isEqualTo("true");
  }

  @Test
  void demo_databaseAndCacheAcceptOnlyTheValidatorSecurityGroup() {
    for (int port : List.of(5432, 6379)) {
      var ingress = template.findResources("AWS::EC2::SecurityGroupIngress", Match.objectLike(Map.of(
          "Properties", Match.objectLike(Map.of("FromPort", port)))));
      assertThat(ingress).hasSize(1);
      assertThat(ingress.values().iterator().next().toString()).contains("SourceSecurityGroupId")
          .contains("DemoValidatorSecurityGroup");
    }
  }
}
