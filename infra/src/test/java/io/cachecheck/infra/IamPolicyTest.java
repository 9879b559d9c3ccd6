package io.cachecheck.infra;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.assertions.Template;

class IamPolicyTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void noAllowStatement_anywhere_hasAWildcardAction_inAnyVariant() {
    for (var context : List.of(
        TestStacks.EXISTING_VPC,
        TestStacks.with(TestStacks.EXISTING_VPC, "examplePipeline", "true"),
        Map.<String, Object>of("demo", "true", "examplePipeline", "true",
            "keyHmacSecretArn", "arn:aws:secretsmanager:eu-west-1:111122223333:secret:hmac-AbCdEf"))) {
      var statements = statements(TestStacks.template(context));
      assertThat(statements).isNotEmpty();
      assertThat(statements)
          .filteredOn(s -> "Allow".equals(s.get("Effect").asText()))
          .allSatisfy(s -> assertThat(actions(s)).noneMatch(a -> a.contains("*")));
    }
  }

  /**
   * The only wildcard is the Deny that enforceSSL puts on each bucket: it must cover every S3 action,
   * and it is conditioned on plain HTTP.
   */
  @Test
  void wildcardDenies_areOnlyTheTlsEnforcement() {
    var denies = statements(TestStacks.template(TestStacks.EXISTING_VPC)).stream()
        .filter(s -> "Deny".equals(s.get("Effect").asText()))
        .filter(s -> actions(s).stream().anyMatch(a -> a.contains("*")))
        .toList();
    assertThat(denies).hasSize(2).allSatisfy(s -> {
      assertThat(actions(s)).containsExactly("s3:*");
      assertThat(s.at("/Condition/Bool/aws:SecureTransport").asText()).isEqualTo("false");
    });
  }

  @Test
  void keyPolicy_grantsTheAccountExplicitActions() {
    JsonNode key = JSON.valueToTree(TestStacks.template(TestStacks.EXISTING_VPC)
        .findResources("AWS::KMS::Key").values().iterator().next());
    var rootStatement = key.at("/Properties/KeyPolicy/Statement/0");
    assertThat(actions(rootStatement)).contains("kms:PutKeyPolicy", "kms:ScheduleKeyDeletion", "kms:Decrypt")
        .doesNotContain("kms:*");
  }

  private static List<JsonNode> statements(Template template) {
    var result = new ArrayList<JsonNode>();
    JsonNode resources = JSON.valueToTree(template.toJSON()).get("Resources");
    resources.forEach(resource -> {
      JsonNode props = resource.get("Properties");
      if (props == null) {
        return;
      }
      for (String field : List.of("PolicyDocument", "KeyPolicy", "AssumeRolePolicyDocument")) {
        props.path(field).path("Statement").forEach(result::add);
      }
      props.path("Policies").forEach(p -> p.path("PolicyDocument").path("Statement").forEach(result::add));
    });
    return result;
  }

  private static List<String> actions(JsonNode statement) {
    JsonNode action = statement.get("Action");
    var result = new ArrayList<String>();
    if (action == null) {
      return result;
    }
    if (action.isArray()) {
      action.forEach(a -> result.add(a.asText()));
    } else {
      result.add(action.asText());
    }
    return result;
  }
}
