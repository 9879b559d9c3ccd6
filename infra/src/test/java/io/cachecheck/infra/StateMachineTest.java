package io.cachecheck.infra;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.HashSet;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;

class StateMachineTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([A-Za-z0-9]+)}");
  private static Template template;
  private static JsonNode stateMachine;

  @BeforeAll
  static void synth() {
    template = TestStacks.template(TestStacks.EXISTING_VPC);
    var machines = template.findResources("AWS::StepFunctions::StateMachine");
    assertThat(machines).hasSize(1);
    stateMachine = JSON.valueToTree(machines.values().iterator().next()).get("Properties");
  }

  @Test
  void stateMachine_isStandardWithSummaryLoggingAndTracing() {
    assertThat(stateMachine.get("StateMachineType").asText()).isEqualTo("STANDARD");
    assertThat(stateMachine.at("/LoggingConfiguration/Level").asText()).isEqualTo("ALL");
    assertThat(stateMachine.at("/LoggingConfiguration/IncludeExecutionData").asBoolean()).isFalse();
    assertThat(stateMachine.at("/TracingConfiguration/Enabled").asBoolean()).isTrue();
  }

  @Test
  void definition_hasTheTwoHourExecutionTimeout() throws Exception {
    JsonNode definition = JSON.readTree(substitutedDefinition());
    assertThat(definition.get("TimeoutSeconds").asInt()).isEqualTo(7200);
  }

  @Test
  void definition_afterSubstitution_invokesTheLiveAliasesAndHasNoPlaceholderLeft() throws Exception {
    String definition = substitutedDefinition();
    assertThat(definition).doesNotContain("${");
    var functionNames = new HashSet<String>();
    JSON.readTree(definition).findValues("FunctionName").forEach(v -> functionNames.add(v.asText()));
    var expected = new HashSet<String>();
    template.findResources("AWS::Lambda::Alias").keySet().forEach(id -> expected.add("<Ref:" + id + ">"));
    assertThat(functionNames).isEqualTo(expected);
  }

  @Test
  void substitutions_mapEachPlaceholderToTheAliasOfItsFunction() {
    JsonNode subs = stateMachine.get("DefinitionSubstitutions");
    assertThat(subs.size()).isEqualTo(4);
    assertThat(subs.get("AuditBucketName").get("Ref").asText()).startsWith("AuditBucket");
    for (String name : new String[] {"DiscoverShards", "ValidateShard", "Aggregate"}) {
      String ref = subs.get(name + "FunctionArn").get("Ref").asText();
      assertThat(ref).startsWith("Functions" + name + "LiveAlias");
      assertThat(template.findResources("AWS::Lambda::Alias")).containsKey(ref);
    }
  }

  @Test
  void stateMachineRole_mayInvokeTheAliasesOnly() {
    var policies = template.findResources("AWS::IAM::Policy");
    JsonNode smPolicy = policies.entrySet().stream()
        .filter(e -> e.getKey().startsWith("StateMachineRoleDefaultPolicy"))
        .map(e -> JSON.valueToTree(e.getValue()).at("/Properties/PolicyDocument/Statement"))
        .findFirst().orElseThrow();
    var invokeResources = new HashSet<String>();
    smPolicy.forEach(statement -> {
      if (statement.get("Action").toString().contains("lambda:InvokeFunction")) {
        assertThat(statement.get("Action").asText()).isEqualTo("lambda:InvokeFunction");
        invokeResources.add(statement.get("Resource").toString());
      }
    });
    var expected = new HashSet<String>();
    template.findResources("AWS::Lambda::Alias").keySet()
        .forEach(id -> expected.add("{\"Ref\":\"" + id + "\"}"));
    assertThat(invokeResources).isEqualTo(expected);
  }

  @Test
  void validateShards_isADistributedMapReadingAndWritingTheAuditBucket() throws Exception {
    JsonNode map = JSON.readTree(substitutedDefinition()).at("/States/ValidateShards");
    String bucket = "<Ref:" + stateMachine.get("DefinitionSubstitutions").get("AuditBucketName").get("Ref").asText() + ">";
    assertThat(map.at("/ItemProcessor/ProcessorConfig/Mode").asText()).isEqualTo("DISTRIBUTED");
    assertThat(map.at("/ItemProcessor/ProcessorConfig/ExecutionType").asText()).isEqualTo("STANDARD");
    assertThat(map.at("/ItemReader/Parameters/Bucket").asText()).isEqualTo(bucket);
    assertThat(map.at("/ResultWriter/Parameters/Bucket").asText()).isEqualTo(bucket);
    assertThat(map.has("ItemsPath")).isFalse();
  }

  @Test
  void stateMachine_hasTheNameItsOwnStartExecutionGrantNames() {
    assertThat(stateMachine.get("StateMachineName").asText()).isEqualTo("CacheCheckTest-validation");
  }

  @Test
  void stateMachineRole_startsDescribesAndStopsOnlyItsOwnChildExecutions_andReachesOnlyTheMapsObjects() {
    var statements = new java.util.ArrayList<JsonNode>();
    roleStatements().forEach(statements::add);
    var byAction = new java.util.HashMap<String, java.util.Set<String>>();
    for (JsonNode statement : statements) {
      assertThat(statement.get("Effect").asText()).isEqualTo("Allow");
      var actions = new java.util.ArrayList<String>();
      if (statement.get("Action").isArray()) {
        statement.get("Action").forEach(a -> actions.add(a.asText()));
      } else {
        actions.add(statement.get("Action").asText());
      }
      var resources = new java.util.ArrayList<JsonNode>();
      if (statement.get("Resource").isArray()) {
        statement.get("Resource").forEach(resources::add);
      } else {
        resources.add(statement.get("Resource"));
      }
      for (String action : actions) {
        resources.forEach(r -> byAction.computeIfAbsent(action, k -> new java.util.TreeSet<>()).add(render(r)));
      }
    }
    String arn = "arn:<Ref:AWS::Partition>:states:<Ref:AWS::Region>:<Ref:AWS::AccountId>:";
    assertThat(byAction.get("states:StartExecution")).containsExactly(arn + "stateMachine:CacheCheckTest-validation");
    assertThat(byAction.get("states:DescribeExecution")).containsExactly(arn + "execution:CacheCheckTest-validation/*");
    assertThat(byAction.get("states:StopExecution")).containsExactly(arn + "execution:CacheCheckTest-validation/*");
    assertThat(byAction.keySet()).noneMatch(a -> a.startsWith("s3:Delete"));
    var objects = new HashSet<String>();
    byAction.forEach((action, resources) -> {
      if (action.startsWith("s3:")) {
        resources.stream().filter(r -> r.contains("/")).forEach(objects::add);
      }
    });
    assertThat(objects).hasSize(2).allSatisfy(r -> assertThat(r).matches("<AuditBucket[0-9A-F]+\\.Arn>/runs/\\*/(work-items\\.json|map/\\*)"));
    assertThat(byAction.get("s3:GetObject")).anyMatch(r -> r.endsWith("/runs/*/work-items.json"));
    assertThat(byAction.get("s3:PutObject")).allMatch(r -> r.endsWith("/runs/*/map/*"));
    assertThat(byAction.get("s3:ListMultipartUploadParts")).anyMatch(r -> r.endsWith("/runs/*/map/*"));
    assertThat(byAction.get("s3:AbortMultipartUpload")).allMatch(r -> r.endsWith("/runs/*/map/*"));
  }

  private static JsonNode roleStatements() {
    return template.findResources("AWS::IAM::Policy").entrySet().stream()
        .filter(e -> e.getKey().startsWith("StateMachineRoleDefaultPolicy"))
        .map(e -> JSON.valueToTree(e.getValue()).at("/Properties/PolicyDocument/Statement"))
        .findFirst().orElseThrow();
  }

  @Test
  void logGroup_hasRetention() {
    template.hasResourceProperties("AWS::Logs::LogGroup", Match.objectLike(Map.of("RetentionInDays", 90)));
    template.allResourcesProperties("AWS::Logs::LogGroup", Match.objectLike(Map.of("RetentionInDays", Match.anyValue())));
  }

  /** Performs the substitution CloudFormation does at deploy, rendering references as <Ref:id>. */
  private static String substitutedDefinition() {
    String definition = render(stateMachine.get("DefinitionString"));
    JsonNode subs = stateMachine.get("DefinitionSubstitutions");
    var matcher = PLACEHOLDER.matcher(definition);
    var out = new StringBuilder();
    while (matcher.find()) {
      JsonNode value = subs.get(matcher.group(1));
      assertThat(value).as("substitution for ${%s}", matcher.group(1)).isNotNull();
      matcher.appendReplacement(out, java.util.regex.Matcher.quoteReplacement(render(value)));
    }
    matcher.appendTail(out);
    return out.toString();
  }

  private static String render(JsonNode node) {
    if (node.isTextual()) {
      return node.asText();
    }
    if (node.has("Ref")) {
      return "<Ref:" + node.get("Ref").asText() + ">";
    }
    if (node.has("Fn::GetAtt")) {
      return "<" + node.get("Fn::GetAtt").get(0).asText() + "." + node.get("Fn::GetAtt").get(1).asText() + ">";
    }
    if (node.has("Fn::Join")) {
      var parts = new StringBuilder();
      node.get("Fn::Join").get(1).forEach(part -> parts.append(render(part)));
      return parts.toString();
    }
    return node.toString();
  }
}
