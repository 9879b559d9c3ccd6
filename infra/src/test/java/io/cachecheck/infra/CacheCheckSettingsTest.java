package io.cachecheck.infra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.App;

class CacheCheckSettingsTest {

  private static CacheCheckSettings read(Map<String, Object> context) {
    return CacheCheckSettings.fromContext(App.Builder.create().context(new HashMap<>(context)).build().getNode());
  }

  @Test
  void fromContext_withoutVpc_namesTheMissingKeyAndTheDemoAlternative() {
    assertThatThrownBy(() -> read(Map.of("contractLocation", "classpath:contract.yaml")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("Missing CDK context 'vpcId'")
        .hasMessageContaining("-c demo=true");
  }

  @Test
  void fromContext_withoutContract_namesContractLocation() {
    assertThatThrownBy(() -> read(Map.of("vpcId", "vpc-1")))
        .hasMessageContaining("Missing CDK context 'contractLocation'");
  }

  @Test
  void fromContext_withoutDatabaseCredentials_asksForSecretOrIamAuth() {
    var context = new HashMap<>(TestStacks.EXISTING_VPC);
    context.remove("dbSecretArn");
    assertThatThrownBy(() -> read(context))
        .hasMessageContaining("'dbSecretArn'").hasMessageContaining("iamDbAuth=true");
  }

  @Test
  void fromContext_cellSecretNamePrefix_standsInForTheDatabaseSecret() {
    var context = TestStacks.with(TestStacks.EXISTING_VPC, "cellSecretNamePrefix", "cachecheck/cells/");
    context.remove("dbSecretArn");
    assertThat(read(context).cellSecretNamePrefix()).isEqualTo("cachecheck/cells/");
  }

  @Test
  void fromContext_cellSecretNamePrefixWithAWildcard_isRefused() {
    var context = TestStacks.with(TestStacks.EXISTING_VPC, "cellSecretNamePrefix", "cachecheck/*");
    assertThatThrownBy(() -> read(context))
        .hasMessageContaining("'cellSecretNamePrefix'").hasMessageContaining("no wildcard");
  }

  @Test
  void fromContext_iamAuthWithoutResourceId_explainsWhatIsNeeded() {
    var context = TestStacks.with(TestStacks.EXISTING_VPC, "iamDbAuth", "true");
    assertThatThrownBy(() -> read(context)).hasMessageContaining("dbResourceId").hasMessageContaining("dbUser");
  }

  @Test
  void fromContext_subnetsWithoutTheirZones_isRejected() {
    var context = TestStacks.with(TestStacks.EXISTING_VPC, "availabilityZones", "eu-west-1a");
    assertThatThrownBy(() -> read(context)).hasMessageContaining("'availabilityZones'");
  }

  @Test
  void fromContext_demo_needsNothingElse_andUsesDefaults() {
    var settings = read(Map.of("demo", "true"));
    assertThat(settings.demo()).isTrue();
    assertThat(settings.contractLocation()).isEqualTo("classpath:contract.yaml");
    assertThat(settings.scheduleExpression()).isEqualTo("rate(1 day)");
    assertThat(settings.database().port()).isEqualTo(5432);
    assertThat(settings.cache().port()).isEqualTo(6379);
    assertThat(settings.examplePipeline()).isFalse();
  }

  @Test
  void fromContext_acceptsJsonListsAndBooleansFromCdkJson() {
    var settings = read(Map.of("vpcId", "vpc-1", "availabilityZones", List.of("eu-west-1a", "eu-west-1b"),
        "privateSubnetIds", List.of("subnet-1", "subnet-2"), "iamDbAuth", true, "dbResourceId", "db-X",
        "dbUser", "u", "contractLocation", "classpath:contract.yaml", "dbPort", 3306));
    assertThat(settings.network().privateSubnetIds()).containsExactly("subnet-1", "subnet-2");
    assertThat(settings.database().iamAuth()).isTrue();
    assertThat(settings.database().port()).isEqualTo(3306);
  }

  @Test
  void fromContext_badBoolean_isRejected() {
    assertThatThrownBy(() -> read(Map.of("demo", "maybe"))).hasMessageContaining("'demo' must be true or false");
  }
}
