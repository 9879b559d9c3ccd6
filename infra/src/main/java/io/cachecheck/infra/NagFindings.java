package io.cachecheck.infra;

import io.github.cdklabs.cdknag.NagPackSuppression;
import io.github.cdklabs.cdknag.NagSuppressions;
import io.github.cdklabs.cdknag.RegexAppliesTo;
import java.util.ArrayList;
import java.util.List;
import software.amazon.awscdk.services.lambda.Function;
import software.constructs.IConstruct;

/**
 * Every cdk-nag AwsSolutions finding the stack accepts, each scoped to the resource (and, where the
 * rule reports granular findings, to the exact finding) with its reason. docs/infrastructure.md
 * lists the same table; keep them in step.
 */
final class NagFindings {

  private NagFindings() {}

  static void suppress(CacheCheckStack stack) {
    suppressFunctions(stack);
    suppress(stack.stateMachine().getRole(), "AwsSolutions-IAM5",
        "Step Functions log delivery (logs:*LogDelivery, DescribeLogGroups, PutResourcePolicy) and"
            + " X-Ray (PutTraceSegments, GetSampling*) do not support resource-level permissions. The"
            + " Distributed Map describes and stops its own child executions, whose ids are made per run"
            + " (execution:<this state machine>/*), reads each run's work items (runs/*/work-items.json) and"
            + " writes each run's Map results (runs/*/map/*): every wildcard is the run id or the child id.",
        "Resource::*",
        regex("^Resource::arn:<AWS::Partition>:states:<AWS::Region>:<AWS::AccountId>:execution:"
            + ".+-validation/\\*$"),
        regex("^Resource::<AuditBucket[0-9A-F]+\\.Arn>/runs/\\*/(work-items\\.json|map/\\*)$"));
    var pipeline = stack.getNode().tryFindChild("ExamplePipeline");
    if (pipeline != null) {
      suppress(pipeline, "AwsSolutions-IAM5",
          "CodePipeline reads and writes artifacts as objects of its own artifact bucket (bucket/*),"
              + " and the gate action describes executions it starts (execution:<stateMachine>:gate*);"
              + " both are scoped to this pipeline's bucket and state machine.",
          regex("^Resource::<PipelineArtifacts[0-9A-F]+\\.Arn>/\\*$"),
          regex("^Resource::arn:.*:execution:.*:gate\\*$"));
    }
    if (stack.demo() != null) {
      suppressDemo(stack);
    }
  }

  private static void suppressFunctions(CacheCheckStack stack) {
    var roleFindings = new ArrayList<Object>(List.of("Resource::*",
        regex("^Resource::<AuditBucket[0-9A-F]+\\.Arn>/(runs|baselines|audit)/\\*$")));
    String cellPrefix = stack.settings().cellSecretNamePrefix();
    if (cellPrefix != null) {
      // exactly the configured prefix: its characters are [A-Za-z0-9/_+=.@-], of which . + / mean something
      roleFindings.add(regex("^Resource::arn:<AWS::Partition>:secretsmanager:<AWS::Region>:<AWS::AccountId>:secret:"
          + cellPrefix.replaceAll("([.+/])", "\\\\$1") + "\\*$"));
    }
    for (Function fn : stack.functions().all()) {
      suppress(fn, "AwsSolutions-L1",
          "Java 21 is the runtime the functions are built and tested for (release 17 bytecode,"
              + " SnapStart on arm64); moving to a newer Java runtime is a deliberate upgrade.");
      suppress(fn.getRole(), "AwsSolutions-IAM4",
          "AWSLambdaBasicExecutionRole (logs) and AWSLambdaVPCAccessExecutionRole (ENI management) are"
              + " the AWS-maintained minimum for a VPC Lambda; the ENI actions cannot be scoped to"
              + " resources.",
          "Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole",
          "Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole");
      suppress(fn.getRole(), "AwsSolutions-IAM5",
          "Resource::* is X-Ray tracing (PutTraceSegments, PutTelemetryRecords), which has no"
              + " resource-level permissions. Object ARNs end in /* because findings, baselines and audit"
              + " logs are written per run, each grant limited to its prefix: DiscoverShards and ValidateShard"
              + " to runs/*, Aggregate to runs/*, baselines/* and audit/* (no function may delete objects)."
              + " With cellSecretNamePrefix, secret:<prefix>* is the cell contract's one secret per cell (its"
              + " secretRef names them), created outside the stack and named by the cell id, limited to that"
              + " name prefix in this account and region, GetSecretValue only.",
          roleFindings.toArray());
    }
  }

  private static void suppressDemo(CacheCheckStack stack) {
    var demo = stack.demo();
    String evaluation = "Demo environment for evaluation only (-c demo=true); ";
    suppress(demo.database(), "AwsSolutions-RDS3", evaluation + "single-AZ keeps it small and cheap.");
    suppress(demo.database(), "AwsSolutions-RDS10",
        evaluation + "it is deleted with the stack, so deletion protection is off.");
    suppress(demo.database(), "AwsSolutions-RDS11",
        evaluation + "access is limited by security group to the validator functions; a"
            + " non-default port adds no protection.");
    suppress(demo.database(), "AwsSolutions-SMG4",
        evaluation + "the generated admin secret lives only as long as the demo stack.");
    suppress(demo.cacheAuthSecret(), "AwsSolutions-SMG4",
        evaluation + "rotating a Redis AUTH token needs a rotation function; the token lives only as"
            + " long as the demo stack.");
    var cache = demo.getNode().findChild("Cache");
    suppress(cache, "AwsSolutions-AEC4", evaluation + "one cache node keeps it small and cheap.");
    suppress(cache, "AwsSolutions-AEC5",
        evaluation + "access is limited by security group to the validator functions; a"
            + " non-default port adds no protection.");
  }

  private static RegexAppliesTo regex(String pattern) {
    return RegexAppliesTo.builder().regex("/" + pattern + "/").build();
  }

  private static void suppress(IConstruct construct, String id, String reason, Object... appliesTo) {
    var suppression = NagPackSuppression.builder().id(id).reason(reason);
    if (appliesTo.length > 0) {
      suppression.appliesTo(List.of(appliesTo));
    }
    NagSuppressions.addResourceSuppressions(construct, List.of(suppression.build()), true);
  }
}
