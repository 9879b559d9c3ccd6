package io.cachecheck.infra;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awscdk.assertions.Annotations;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.cxapi.SynthesisMessage;

class CdkNagTest {

  static Stream<Arguments> variants() {
    return Stream.of(
        Arguments.of("existing VPC", TestStacks.EXISTING_VPC),
        Arguments.of("existing VPC, IAM auth, example pipeline, created SG",
            Map.of("vpcId", "vpc-1", "availabilityZones", "eu-west-1a", "privateSubnetIds", "subnet-1",
                "iamDbAuth", "true", "dbResourceId", "db-ABC", "dbUser", "cachecheck",
                "contractLocation", "s3://contracts-bucket/contract.yaml", "examplePipeline", "true")),
        Arguments.of("existing VPC, cell secrets under a name prefix",
            Map.of("vpcId", "vpc-1", "availabilityZones", "eu-west-1a", "privateSubnetIds", "subnet-1",
                "cellSecretNamePrefix", "cachecheck/cells.v2+eu/",
                "contractLocation", "s3://contracts-bucket/contract.yaml")),
        Arguments.of("demo", Map.of("demo", "true", "examplePipeline", "true")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("variants")
  void synth_reportsNoUnsuppressedNagErrorsAndNoWarnings(String name, Map<String, Object> context) {
    var stack = TestStacks.stack(context);
    var annotations = Annotations.fromStack(stack);

    List<SynthesisMessage> errors = annotations.findError("*", Match.stringLikeRegexp("AwsSolutions-.*"));
    // Any warning, cdk-nag's or CDK's own, is either fixed or acknowledged with a reason.
    List<SynthesisMessage> warnings = annotations.findWarning("*", Match.anyValue());

    assertThat(errors).extracting(m -> m.getId() + " " + m.getEntry().getData()).isEmpty();
    assertThat(warnings).extracting(m -> m.getId() + " " + m.getEntry().getData()).isEmpty();
  }

  /** Guards the test above against passing vacuously: the checks must run on this stack. */
  @org.junit.jupiter.api.Test
  void awsSolutionsChecks_flagANonCompliantResourceAddedToTheStack() {
    var stack = TestStacks.stack(TestStacks.EXISTING_VPC);
    new software.amazon.awscdk.services.s3.Bucket(stack, "NonCompliant");

    var errors = Annotations.fromStack(stack).findError("*", Match.stringLikeRegexp("AwsSolutions-S(1|10):.*"));

    assertThat(errors).extracting(m -> m.getId()).containsOnly("/CacheCheckTest/NonCompliant/Resource");
    assertThat(errors).hasSize(2);
  }
}
