package io.cachecheck.infra;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cachecheck.infra.constructs.ConsistencyGate;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.App;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.assertions.Template;
import software.amazon.awscdk.services.codepipeline.Artifact;
import software.amazon.awscdk.services.codepipeline.Pipeline;
import software.amazon.awscdk.services.codepipeline.StageProps;
import software.amazon.awscdk.services.codepipeline.actions.ManualApprovalAction;
import software.amazon.awscdk.services.codepipeline.actions.S3SourceAction;
import software.amazon.awscdk.services.s3.Bucket;
import software.amazon.awscdk.services.stepfunctions.StateMachine;

class ExamplePipelineTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static JsonNode stages;
  private static Template template;

  @BeforeAll
  static void synth() {
    template = TestStacks.template(TestStacks.with(TestStacks.EXISTING_VPC, "examplePipeline", "true"));
    var pipelines = template.findResources("AWS::CodePipeline::Pipeline");
    assertThat(pipelines).hasSize(1);
    stages = JSON.valueToTree(pipelines.values().iterator().next()).at("/Properties/Stages");
  }

  @Test
  void pipeline_hasSourceThenPreRolloutGateThenDeploy() {
    var names = new java.util.ArrayList<String>();
    stages.forEach(s -> names.add(s.get("Name").asText()));
    assertThat(names).containsExactly("Source", "PreRolloutGate", "Deploy");
  }

  /** S3 sends the bucket's events to EventBridge, and a rule on the upload of release.zip starts the pipeline. */
  @Test
  void uploadingReleaseZip_startsThePipeline() {
    JsonNode sourceAction = stages.get(0).get("Actions").get(0);
    assertThat(sourceAction.at("/Configuration/S3ObjectKey").asText()).isEqualTo("release.zip");
    // the rule, not polling, starts it (and not twice)
    assertThat(sourceAction.at("/Configuration/PollForSourceChanges").asBoolean(true)).isFalse();
    String sourceBucket = sourceAction.at("/Configuration/S3Bucket/Ref").asText();
    assertThat(sourceBucket).startsWith("PipelineSource");
    assertThat(JSON.valueToTree(template.findResources("AWS::S3::Bucket").get(sourceBucket))
        .at("/Properties/NotificationConfiguration").toString())
        .isEqualTo("{\"EventBridgeConfiguration\":{\"EventBridgeEnabled\":true}}");

    var rules = template.findResources("AWS::Events::Rule");
    assertThat(rules).hasSize(1);
    JsonNode rule = JSON.valueToTree(rules.values().iterator().next()).get("Properties");
    assertThat(rule.get("State").asText()).isEqualTo("ENABLED");
    JsonNode pattern = rule.get("EventPattern");
    assertThat(pattern.get("source").toString()).isEqualTo("[\"aws.s3\"]");
    assertThat(pattern.get("detail-type").toString()).isEqualTo("[\"Object Created\"]");
    assertThat(pattern.at("/detail/bucket/name").toString()).isEqualTo("[{\"Ref\":\"" + sourceBucket + "\"}]");
    assertThat(pattern.at("/detail/object/key").toString()).isEqualTo("[\"release.zip\"]");

    String pipeline = template.findResources("AWS::CodePipeline::Pipeline").keySet().iterator().next();
    JsonNode target = rule.get("Targets");
    assertThat(target).hasSize(1);
    assertThat(target.get(0).get("Arn").toString()).contains(pipeline).contains(":codepipeline:");
    String roleId = target.get(0).at("/RoleArn/Fn::GetAtt/0").asText();
    assertThat(JSON.valueToTree(template.findResources("AWS::IAM::Role").get(roleId))
        .at("/Properties/AssumeRolePolicyDocument/Statement/0/Principal/Service").asText())
        .isEqualTo("events.amazonaws.com");
    var rolePolicies = template.findResources("AWS::IAM::Policy").values().stream()
        .map(p -> JSON.valueToTree(p).get("Properties"))
        .filter(p -> p.get("Roles").toString().contains("\"" + roleId + "\""))
        .toList();
    assertThat(rolePolicies).singleElement().satisfies(p -> {
      JsonNode statements = p.at("/PolicyDocument/Statement");
      assertThat(statements).hasSize(1);
      assertThat(statements.get(0).get("Action").asText()).isEqualTo("codepipeline:StartPipelineExecution");
      assertThat(statements.get(0).get("Resource").toString()).contains(pipeline);
    });
    template.hasOutput("ExamplePipelineName", Map.of("Value", Map.of("Ref", pipeline)));
    template.hasOutput("ExamplePipelineSourceBucketName", Map.of("Value", Map.of("Ref", sourceBucket)));
  }

  @Test
  void gateAction_startsTheStateMachineWithTheGateInput() throws Exception {
    JsonNode action = stages.get(1).get("Actions").get(0);
    assertThat(action.get("Name").asText()).isEqualTo("ConsistencyGate");
    assertThat(action.at("/ActionTypeId/Provider").asText()).isEqualTo("StepFunctions");
    assertThat(action.at("/ActionTypeId/Category").asText()).isEqualTo("Invoke");
    JsonNode config = action.get("Configuration");
    assertThat(config.at("/StateMachineArn/Ref").asText())
        .isEqualTo(template.findResources("AWS::StepFunctions::StateMachine").keySet().iterator().next());
    assertThat(config.get("InputType").asText()).isEqualTo("Literal");
    assertThat(config.get("ExecutionNamePrefix").asText()).isEqualTo("gate");
    assertThat(JSON.readTree(config.get("Input").asText())).isEqualTo(JSON.readTree(
        "{\"mode\":\"gate\",\"gate\":{\"maxDriftRatio\":0.001,\"failOnIncomplete\":true,\"failOnRegression\":true,"
            + "\"scoreTolerance\":0.01}}"));
  }

  @Test
  void gateActionRole_mayStartAndDescribeOnlyThisStateMachine() {
    String policy = template.findResources("AWS::IAM::Policy").entrySet().stream()
        .filter(e -> e.getKey().startsWith("ExamplePipelinePreRolloutGateConsistencyGate"))
        .map(e -> JSON.valueToTree(e.getValue()).at("/Properties/PolicyDocument").toString())
        .findFirst().orElseThrow();
    assertThat(policy).contains("states:StartExecution").contains("states:DescribeExecution")
        .doesNotContain("states:*").doesNotContain("\"Resource\":\"*\"");
  }

  /** Wiring the reusable gate into another team's pipeline, with its own thresholds. */
  @Test
  void consistencyGate_inAnExistingPipeline_usesThatPipelinesThresholds() throws Exception {
    var stack = new Stack(new App(), "OtherTeam");
    var stateMachine = StateMachine.fromStateMachineName(stack, "CacheCheck", "CacheCheck-validation");
    var source = new Artifact("Src");
    var pipeline = Pipeline.Builder.create(stack, "Pipeline")
        .stages(List.of(StageProps.builder().stageName("Source").actions(List.of(S3SourceAction.Builder.create()
            .actionName("Source").bucket(Bucket.fromBucketName(stack, "Src", "other-team-source"))
            .bucketKey("app.zip").output(source).build())).build()))
        .build();
    var gate = new ConsistencyGate(stack, "Gate", new ConsistencyGate.Props(
        stateMachine, new ConsistencyGate.GateInput(0.01, false, true).withScoreTolerance(0.05)));
    var gateStage = pipeline.addStage(software.amazon.awscdk.services.codepipeline.StageOptions.builder()
        .stageName("PreRolloutGate").build());
    gate.addTo(gateStage);
    pipeline.addStage(software.amazon.awscdk.services.codepipeline.StageOptions.builder().stageName("Deploy")
        .actions(List.of(ManualApprovalAction.Builder.create().actionName("Approve").build())).build());

    JsonNode otherStages = JSON.valueToTree(Template.fromStack(stack)
        .findResources("AWS::CodePipeline::Pipeline").values().iterator().next()).at("/Properties/Stages");
    JsonNode config = otherStages.get(1).get("Actions").get(0).get("Configuration");
    assertThat(JSON.readTree(config.get("Input").asText())).isEqualTo(JSON.readTree(
        "{\"mode\":\"gate\",\"gate\":{\"maxDriftRatio\":0.01,\"failOnIncomplete\":false,\"failOnRegression\":true,"
            + "\"scoreTolerance\":0.05}}"));
  }

  @Test
  void gateInput_defaultsAreTheParsersForRegressionAndTolerance_andATolerancePastOneIsRejected() {
    var defaults = ConsistencyGate.GateInput.defaults();
    assertThat(defaults.failOnRegression()).isTrue();
    assertThat(defaults.scoreTolerance()).isEqualTo(0.01);
    assertThat(new ConsistencyGate.GateInput(0.001, true, true).scoreTolerance()).isEqualTo(0.01);
    assertThat(defaults.withFailOnRegression(true).toExecutionInput().get("gate"))
        .isEqualTo(java.util.Map.of("maxDriftRatio", 0.001, "failOnIncomplete", true, "failOnRegression", true,
            "scoreTolerance", 0.01));
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> defaults.withScoreTolerance(1.5))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("scoreTolerance must be from 0 to 1");
  }
}
