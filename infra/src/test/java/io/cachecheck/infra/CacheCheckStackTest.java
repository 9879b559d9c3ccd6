package io.cachecheck.infra;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;

class CacheCheckStackTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static Template template;

  @BeforeAll
  static void synth() {
    template = TestStacks.template(TestStacks.EXISTING_VPC);
  }

  @Test
  void auditBucket_isKmsEncryptedVersionedPrivateAndLogged() {
    template.hasResourceProperties("AWS::S3::Bucket", Match.objectLike(Map.of(
        "BucketEncryption", Map.of("ServerSideEncryptionConfiguration", List.of(Match.objectLike(Map.of(
            "BucketKeyEnabled", true,
            "ServerSideEncryptionByDefault", Map.of(
                "SSEAlgorithm", "aws:kms",
                "KMSMasterKeyID", Map.of("Fn::GetAtt", List.of(logicalId("AWS::KMS::Key"), "Arn"))))))),
        "VersioningConfiguration", Map.of("Status", "Enabled"),
        "PublicAccessBlockConfiguration", Map.of(
            "BlockPublicAcls", true, "BlockPublicPolicy", true,
            "IgnorePublicAcls", true, "RestrictPublicBuckets", true),
        "LoggingConfiguration", Match.objectLike(Map.of("LogFilePrefix", "audit-bucket/")))));
  }

  @Test
  void auditBucket_expiresRunFindingsAndNoncurrentVersions_andIsRetained() {
    template.hasResource("AWS::S3::Bucket", Match.objectLike(Map.of(
        "DeletionPolicy", "Retain",
        "Properties", Match.objectLike(Map.of("LifecycleConfiguration", Map.of("Rules", List.of(
            Map.of("Id", "expire-run-findings", "Prefix", "runs/", "ExpirationInDays", 90,
                "NoncurrentVersionExpiration", Map.of("NoncurrentDays", 30), "Status", "Enabled"),
            Map.of("Id", "expire-noncurrent-baselines", "Prefix", "baselines/",
                "NoncurrentVersionExpiration", Map.of("NoncurrentDays", 30), "Status", "Enabled"),
            Map.of("Id", "abort-incomplete-uploads",
                "AbortIncompleteMultipartUpload", Map.of("DaysAfterInitiation", 7), "Status", "Enabled"))))))));
  }

  /** No rule may expire an audit log, current or noncurrent: a rule without a prefix would cover audit/. */
  @Test
  void auditBucket_neverExpiresAuditLogVersions() {
    JsonNode rules = JSON.valueToTree(template.findResources("AWS::S3::Bucket").get(
        logicalId("AWS::S3::Bucket", "AuditBucket"))).at("/Properties/LifecycleConfiguration/Rules");
    assertThat(rules).isNotEmpty();
    for (JsonNode rule : rules) {
      boolean expires = rule.has("ExpirationInDays") || rule.has("NoncurrentVersionExpiration")
          || rule.has("ExpiredObjectDeleteMarker") || rule.has("Transitions");
      if (expires) {
        assertThat(rule.path("Prefix").asText()).as(rule.toString()).isIn("runs/", "baselines/");
      }
    }
  }

  @Test
  void buckets_denyRequestsWithoutTls() {
    assertThat(template.findResources("AWS::S3::BucketPolicy")).hasSize(2).allSatisfy((id, policy) ->
        assertThat(JSON.valueToTree(policy).at("/Properties/PolicyDocument/Statement").toString())
            .contains("\"aws:SecureTransport\":\"false\"").contains("\"Effect\":\"Deny\""));
  }

  @Test
  void key_rotates() {
    template.hasResourceProperties("AWS::KMS::Key", Match.objectLike(Map.of("EnableKeyRotation", true)));
  }

  @Test
  void topic_isKmsEncryptedWithSslOnly_andMailsTheAlertAddress() {
    template.hasResourceProperties("AWS::SNS::Topic", Match.objectLike(Map.of(
        "KmsMasterKeyId", Map.of("Fn::GetAtt", List.of(logicalId("AWS::KMS::Key"), "Arn")))));
    template.hasResourceProperties("AWS::SNS::TopicPolicy", Match.objectLike(Map.of(
        "PolicyDocument", Match.objectLike(Map.of("Statement", Match.arrayWith(List.of(Match.objectLike(Map.of(
            "Effect", "Deny",
            "Condition", Map.of("Bool", Map.of("aws:SecureTransport", "false")))))))))));
    template.hasResourceProperties("AWS::SNS::Subscription",
        Map.of("Protocol", "email", "Endpoint", "oncall@example.com", "TopicArn", Match.anyValue()));
  }

  @Test
  void functions_runJava21OnArm64WithSnapStartTracingInTheVpc() {
    var functions = template.findResources("AWS::Lambda::Function");
    assertThat(functions).hasSize(3);
    for (var fn : functions.values()) {
      JsonNode props = JSON.valueToTree(fn).get("Properties");
      assertThat(props.get("Runtime").asText()).isEqualTo("java21");
      assertThat(props.get("Architectures").toString()).isEqualTo("[\"arm64\"]");
      assertThat(props.at("/SnapStart/ApplyOn").asText()).isEqualTo("PublishedVersions");
      assertThat(props.at("/TracingConfig/Mode").asText()).isEqualTo("Active");
      assertThat(props.at("/VpcConfig/SubnetIds").toString()).isEqualTo("[\"subnet-0aaa\",\"subnet-0bbb\"]");
      assertThat(props.at("/VpcConfig/SecurityGroupIds")).hasSize(1);
      assertThat(props.at("/LoggingConfig/LogGroup").isMissingNode()).isFalse();
    }
  }

  @Test
  void functions_haveTheHandlersSizesAndEnvironmentOfTheInterface() {
    template.hasResourceProperties("AWS::Lambda::Function", Match.objectLike(Map.of(
        "Handler", "io.cachecheck.handler.ValidateShardHandler::handleRequest",
        "MemorySize", 2048,
        "Timeout", 900,
        "Environment", Map.of("Variables", Match.objectLike(Map.of(
            "POWERTOOLS_SERVICE_NAME", "cachecheck",
            "POWERTOOLS_METRICS_NAMESPACE", "CacheCheck",
            "POWERTOOLS_LOG_LEVEL", "INFO",
            "CACHECHECK_CONTRACT_LOCATION", "s3://contracts-bucket/cachecheck/contract.yaml",
            "CACHECHECK_DB_SECRET_ARN", TestStacks.EXISTING_VPC.get("dbSecretArn"),
            "CACHECHECK_CACHE_SECRET_ARN", TestStacks.EXISTING_VPC.get("cacheAuthSecretArn"),
            "CACHECHECK_CACHE_ENDPOINT", TestStacks.EXISTING_VPC.get("cacheEndpoint"),
            "CACHECHECK_CACHE_TLS", "true",
            "CACHECHECK_AUDIT_BUCKET", Map.of("Ref", logicalId("AWS::S3::Bucket", "AuditBucket")),
            "CACHECHECK_SUMMARY_TOPIC_ARN", Map.of("Ref", logicalId("AWS::SNS::Topic"))))))));
    template.hasResourceProperties("AWS::Lambda::Function", Match.objectLike(Map.of(
        "Handler", "io.cachecheck.handler.DiscoverShardsHandler::handleRequest", "MemorySize", 1024, "Timeout", 120)));
    template.hasResourceProperties("AWS::Lambda::Function", Match.objectLike(Map.of(
        "Handler", "io.cachecheck.handler.AggregateHandler::handleRequest", "MemorySize", 1024, "Timeout", 300)));
  }

  @Test
  void eachFunction_hasALiveAliasOnAPublishedVersion() {
    var aliases = template.findResources("AWS::Lambda::Alias");
    assertThat(aliases).hasSize(3);
    aliases.values().forEach(alias -> assertThat(JSON.valueToTree(alias).at("/Properties/Name").asText()).isEqualTo("live"));
    template.resourceCountIs("AWS::Lambda::Version", 3);
  }

  @Test
  void createdSecurityGroup_allowsOnlyDatabaseRedisAndHttpsEgress() {
    template.hasResourceProperties("AWS::EC2::SecurityGroup", Match.objectLike(Map.of(
        "VpcId", "vpc-0123456789abcdef0",
        "SecurityGroupEgress", List.of(
            Match.objectLike(Map.of("CidrIp", "10.20.0.0/16", "FromPort", 5432, "ToPort", 5432, "IpProtocol", "tcp")),
            Match.objectLike(Map.of("CidrIp", "10.20.0.0/16", "FromPort", 6379, "ToPort", 6379, "IpProtocol", "tcp")),
            Match.objectLike(Map.of("CidrIp", "0.0.0.0/0", "FromPort", 443, "ToPort", 443, "IpProtocol", "tcp"))))));
    template.hasOutput("ValidatorSecurityGroupId", Match.anyValue());
  }

  @Test
  void givenSecurityGroups_areUsedInsteadOfCreatingOne() {
    var t = TestStacks.template(TestStacks.with(TestStacks.EXISTING_VPC, "securityGroupIds", "sg-0123,sg-0456"));
    t.resourceCountIs("AWS::EC2::SecurityGroup", 0);
    t.hasResourceProperties("AWS::Lambda::Function", Match.objectLike(Map.of(
        "VpcConfig", Map.of("SecurityGroupIds", List.of("sg-0123", "sg-0456"), "SubnetIds", Match.anyValue()))));
  }

  @Test
  void schedule_startsTheStateMachineWithTheScheduledInput() {
    template.hasResourceProperties("AWS::Scheduler::Schedule", Match.objectLike(Map.of(
        "ScheduleExpression", "rate(1 day)",
        "State", "ENABLED",
        "Target", Match.objectLike(Map.of(
            "Arn", Map.of("Ref", logicalId("AWS::StepFunctions::StateMachine")),
            "Input", "{\"mode\":\"scheduled\"}")))));
  }

  @Test
  void schedule_expressionComesFromContext() {
    var t = TestStacks.template(TestStacks.with(TestStacks.EXISTING_VPC, "scheduleExpression", "cron(0 3 * * ? *)"));
    t.hasResourceProperties("AWS::Scheduler::Schedule", Match.objectLike(Map.of("ScheduleExpression", "cron(0 3 * * ? *)")));
  }

  @Test
  void scheduleRole_mayOnlyStartThisStateMachine() {
    var policies = template.findResources("AWS::IAM::Policy");
    // the state machine's own role starts its Distributed Map's child executions (StateMachineTest checks it)
    var schedulerPolicies = policies.entrySet().stream()
        .filter(e -> !e.getKey().startsWith("StateMachineRoleDefaultPolicy"))
        .map(e -> JSON.valueToTree(e.getValue()).at("/Properties/PolicyDocument/Statement"))
        .filter(s -> s.toString().contains("states:StartExecution") && !s.toString().contains("codepipeline"))
        .toList();
    assertThat(schedulerPolicies).hasSize(1);
    assertThat(schedulerPolicies.get(0).toString()).isEqualTo(
        "[{\"Action\":\"states:StartExecution\",\"Effect\":\"Allow\",\"Resource\":{\"Ref\":\""
            + logicalId("AWS::StepFunctions::StateMachine") + "\"}}]");
  }

  @Test
  void validateShard_mayOnlyReadAndPutObjectsUnderRuns() {
    var auditBucketStatements = new java.util.ArrayList<JsonNode>();
    JSON.valueToTree(policyNode("ValidateShard")).get("Statement").forEach(statement -> {
      if (statement.get("Resource").toString().contains(logicalId("AWS::S3::Bucket", "AuditBucket"))) {
        auditBucketStatements.add(statement);
      }
    });
    // the run's tenant list is read from runs/<runId>/tenants.json; the shard result is written under runs/<runId>/shards/
    assertThat(auditBucketStatements).hasSize(2);
    var actions = auditBucketStatements.stream().map(st -> st.get("Action").toString()).toList();
    assertThat(actions).anyMatch(a -> a.contains("\"s3:GetObject\"") && !a.contains("Put") && !a.contains("Delete"));
    assertThat(actions).contains(
        "[\"s3:PutObject\",\"s3:PutObjectLegalHold\",\"s3:PutObjectRetention\",\"s3:PutObjectTagging\","
            + "\"s3:PutObjectVersionTagging\",\"s3:AbortMultipartUpload\"]");
    for (JsonNode statement : auditBucketStatements) {
      String resources = statement.get("Resource").toString();
      assertThat(resources).contains("/runs/*").doesNotContain("\"/*\"");
    }
  }

  @Test
  void aggregate_mayPublishToTheTopicAndUseTheBucket() throws Exception {
    String policy = policyOf("Aggregate");
    assertThat(policy).contains("\"sns:Publish\"").contains("\"s3:GetObject\"").contains("\"s3:PutObject\"")
        .contains("\"kms:GenerateDataKey\"");
    assertThat(policyOf("DiscoverShards")).doesNotContain("sns:Publish").doesNotContain("s3:DeleteObject");
    var discoverOnAuditBucket = new java.util.ArrayList<JsonNode>();
    JSON.valueToTree(policyNode("DiscoverShards")).get("Statement").forEach(statement -> {
      if (statement.get("Resource").toString().contains(logicalId("AWS::S3::Bucket", "AuditBucket"))) {
        discoverOnAuditBucket.add(statement);
      }
    });
    // DiscoverShards only writes the run's tenant list under runs/
    assertThat(discoverOnAuditBucket).singleElement().satisfies(st -> {
      assertThat(st.get("Action").toString()).startsWith("[\"s3:PutObject\"").doesNotContain("GetObject");
      assertThat(st.at("/Resource/Fn::Join/1/1").asText()).isEqualTo("/runs/*");
    });
  }

  @Test
  void iamDbAuth_grantsConnectForTheDatabaseUserOnly() {
    var t = TestStacks.template(Map.of("vpcId", "vpc-1", "availabilityZones", "eu-west-1a",
        "privateSubnetIds", "subnet-1", "iamDbAuth", "true", "dbResourceId", "db-ABCDEFGHIJ",
        "dbUser", "cachecheck", "contractLocation", "classpath:contract.yaml"));
    t.hasResourceProperties("AWS::IAM::Policy", Match.objectLike(Map.of("PolicyDocument", Match.objectLike(Map.of(
        "Statement", Match.arrayWith(List.of(Match.objectLike(Map.of(
            "Action", "rds-db:connect",
            "Resource", Map.of("Fn::Join", List.of("", List.of("arn:", Map.of("Ref", "AWS::Partition"),
                ":rds-db:", Map.of("Ref", "AWS::Region"), ":", Map.of("Ref", "AWS::AccountId"),
                ":dbuser:db-ABCDEFGHIJ/cachecheck"))))))))))));
  }

  @Test
  void alarms_coverScoreDriftIncompleteFailuresErrorsAndDuration_andNotifyTheTopic() {
    var alarms = template.findResources("AWS::CloudWatch::Alarm");
    var metricNames = alarms.values().stream()
        .map(a -> JSON.valueToTree(a).at("/Properties/MetricName").asText()).sorted().toList();
    assertThat(metricNames).containsExactly(
        "ConsistencyScore", "DriftedKeys", "Duration", "Duration", "Duration", "Errors", "Errors", "Errors",
        "ExecutionsFailed", "ExecutionsTimedOut", "IncompleteRuns");
    alarms.values().forEach(a -> assertThat(JSON.valueToTree(a).at("/Properties/AlarmActions").toString())
        .isEqualTo("[{\"Ref\":\"" + logicalId("AWS::SNS::Topic") + "\"}]"));
    template.hasResourceProperties("AWS::CloudWatch::Alarm", Match.objectLike(Map.of(
        "MetricName", "ConsistencyScore", "Namespace", "CacheCheck", "Threshold", 99.9,
        "ComparisonOperator", "LessThanThreshold",
        "Dimensions", List.of(Map.of("Name", "Service", "Value", "cachecheck")))));
    // 80% of ValidateShard's 15-minute timeout.
    template.hasResourceProperties("AWS::CloudWatch::Alarm", Match.objectLike(Map.of(
        "MetricName", "Duration", "Threshold", 720000)));
    template.resourceCountIs("AWS::CloudWatch::Dashboard", 1);
  }

  @Test
  void localContractFile_isBundledAsAnAssetTheFunctionsMayRead(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
      throws Exception {
    var contract = java.nio.file.Files.writeString(dir.resolve("contract.yaml"), "tenants: []\n");
    var t = TestStacks.template(TestStacks.with(TestStacks.EXISTING_VPC, "contractLocation", contract.toString()));
    var fn = JSON.valueToTree(t.findResources("AWS::Lambda::Function").values().iterator().next());
    String location = fn.at("/Properties/Environment/Variables/CACHECHECK_CONTRACT_LOCATION").toString();
    assertThat(location).startsWith("{\"Fn::Join\":[\"\",[\"s3://\",").contains(".yaml");
    assertThat(t.toJSON().toString()).doesNotContain("contracts-bucket");
  }

  @Test
  void noExamplePipeline_unlessAskedFor() {
    template.resourceCountIs("AWS::CodePipeline::Pipeline", 0);
  }

  private String policyOf(String function) {
    return policyNode(function).toString();
  }

  private JsonNode policyNode(String function) {
    String roleId = template.findResources("AWS::IAM::Role").keySet().stream()
        .filter(id -> id.startsWith("Functions" + function + "ServiceRole")).findFirst().orElseThrow();
    return template.findResources("AWS::IAM::Policy").values().stream()
        .map(p -> JSON.valueToTree(p).get("Properties"))
        .filter(p -> p.get("Roles").toString().contains(roleId))
        .map(p -> p.get("PolicyDocument"))
        .findFirst().orElseThrow();
  }

  static String logicalId(String type) {
    var ids = template.findResources(type).keySet();
    assertThat(ids).hasSize(1);
    return ids.iterator().next();
  }

  static String logicalId(String type, String prefix) {
    return template.findResources(type).keySet().stream().filter(id -> id.startsWith(prefix)).findFirst().orElseThrow();
  }
}
