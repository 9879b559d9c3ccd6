package io.cachecheck.infra;

import io.cachecheck.infra.constructs.ConsistencyGate;
import io.cachecheck.infra.constructs.DemoEnvironment;
import io.cachecheck.infra.constructs.ExplicitIamActions;
import io.cachecheck.infra.constructs.Monitoring;
import io.cachecheck.infra.constructs.ValidatorFunctions;
import io.github.cdklabs.cdknag.AwsSolutionsChecks;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awscdk.Annotations;
import software.amazon.awscdk.ArnComponents;
import software.amazon.awscdk.ArnFormat;
import software.amazon.awscdk.AspectOptions;
import software.amazon.awscdk.AspectPriority;
import software.amazon.awscdk.Aspects;
import software.amazon.awscdk.CfnOutput;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.Tags;
import software.amazon.awscdk.services.codepipeline.Artifact;
import software.amazon.awscdk.services.codepipeline.Pipeline;
import software.amazon.awscdk.services.codepipeline.PipelineType;
import software.amazon.awscdk.services.codepipeline.StageProps;
import software.amazon.awscdk.services.codepipeline.actions.ManualApprovalAction;
import software.amazon.awscdk.services.codepipeline.actions.S3SourceAction;
import software.amazon.awscdk.services.codepipeline.actions.S3Trigger;
import software.amazon.awscdk.services.ec2.ISecurityGroup;
import software.amazon.awscdk.services.ec2.IVpc;
import software.amazon.awscdk.services.ec2.Peer;
import software.amazon.awscdk.services.ec2.Port;
import software.amazon.awscdk.services.ec2.SecurityGroup;
import software.amazon.awscdk.services.ec2.SubnetSelection;
import software.amazon.awscdk.services.ec2.Vpc;
import software.amazon.awscdk.services.ec2.VpcAttributes;
import software.amazon.awscdk.services.events.EventPattern;
import software.amazon.awscdk.services.events.Rule;
import software.amazon.awscdk.services.events.targets.CodePipeline;
import software.amazon.awscdk.services.iam.Grant;
import software.amazon.awscdk.services.iam.GrantOnPrincipalOptions;
import software.amazon.awscdk.services.iam.IGrantable;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.iam.ServicePrincipal;
import software.amazon.awscdk.services.kms.Key;
import software.amazon.awscdk.services.lambda.Code;
import software.amazon.awscdk.services.lambda.Function;
import software.amazon.awscdk.services.logs.LogGroup;
import software.amazon.awscdk.services.logs.RetentionDays;
import software.amazon.awscdk.services.s3.BlockPublicAccess;
import software.amazon.awscdk.services.s3.Bucket;
import software.amazon.awscdk.services.s3.IBucket;
import software.amazon.awscdk.services.s3.BucketEncryption;
import software.amazon.awscdk.services.s3.CfnBucket;
import software.amazon.awscdk.services.s3.LifecycleRule;
import software.amazon.awscdk.services.s3.assets.Asset;
import software.amazon.awscdk.services.scheduler.Schedule;
import software.amazon.awscdk.services.scheduler.ScheduleExpression;
import software.amazon.awscdk.services.scheduler.ScheduleTargetInput;
import software.amazon.awscdk.services.scheduler.targets.ScheduleTargetBaseProps;
import software.amazon.awscdk.services.scheduler.targets.StepFunctionsStartExecution;
import software.amazon.awscdk.services.secretsmanager.ISecret;
import software.amazon.awscdk.services.secretsmanager.Secret;
import software.amazon.awscdk.services.sns.Topic;
import software.amazon.awscdk.services.sns.subscriptions.EmailSubscription;
import software.amazon.awscdk.services.stepfunctions.DefinitionBody;
import software.amazon.awscdk.services.stepfunctions.LogLevel;
import software.amazon.awscdk.services.stepfunctions.LogOptions;
import software.amazon.awscdk.services.stepfunctions.StateMachine;
import software.amazon.awscdk.services.stepfunctions.StateMachineType;
import software.constructs.Construct;

/**
 * The cachecheck deployment: a Standard state machine that validates a Redis cache against its
 * database shard by shard, its Lambda functions, the audit bucket, the summary topic, a schedule,
 * alarms and, optionally, a demo environment and an example pipeline with the consistency gate.
 */
public final class CacheCheckStack extends Stack {

  /** An execution that runs longer than this is stopped (and alarms as timed out). */
  static final Duration EXECUTION_TIMEOUT = Duration.hours(2);
  static final RetentionDays LOG_RETENTION = RetentionDays.THREE_MONTHS;
  static final int FINDINGS_RETENTION_DAYS = 90;
  /** Noncurrent versions of working files and baselines (overwritten each run) are kept this long. */
  static final int NONCURRENT_RETENTION_DAYS = 30;
  /** Key prefixes of the audit bucket (docs/workflow.md, "Storage layout"). */
  static final String RUNS_PREFIX = "runs/";
  static final String BASELINES_PREFIX = "baselines/";
  static final String AUDIT_PREFIX = "audit/";
  private static final String RUNS_OBJECTS = RUNS_PREFIX + "*";
  private static final String BASELINE_OBJECTS = BASELINES_PREFIX + "*";
  private static final String AUDIT_LOG_OBJECTS = AUDIT_PREFIX + "*";
  /** Objects the Distributed Map reads (its ItemReader) and writes (its ResultWriter), for every run. */
  static final String WORK_ITEMS_OBJECTS = RUNS_PREFIX + "*/work-items.json";
  static final String MAP_RESULT_OBJECTS = RUNS_PREFIX + "*/map/*";
  /**
   * Appended to the stack name to name the state machine. A Distributed Map starts child executions of its own
   * state machine, so the role needs states:StartExecution on it; a known name gives that ARN without a reference
   * from the role to the state machine, which would be a dependency cycle.
   */
  static final String STATE_MACHINE_NAME_SUFFIX = "-validation";
  /** The object of the example pipeline's source bucket whose upload starts the pipeline. */
  static final String PIPELINE_SOURCE_KEY = "release.zip";

  /**
   * @param settings the deployment inputs
   * @param functionCode the shaded functions jar (or, in tests, any directory or zip)
   * @param stateMachineDefinition the ASL file with the three {@code ${...FunctionArn}} placeholders
   */
  public record Props(CacheCheckSettings settings, Path functionCode, Path stateMachineDefinition) {}

  /** Where the functions run. */
  private record Placement(IVpc vpc, SubnetSelection subnets, List<ISecurityGroup> securityGroups) {}

  private final CacheCheckSettings settings;
  private final Props props;
  private final Key key;
  private final Bucket accessLogs;
  private final Bucket auditBucket;
  private final Topic topic;
  private DemoEnvironment demo;
  private SecurityGroup createdSecurityGroup;
  private final ValidatorFunctions functions;
  private final StateMachine stateMachine;
  private final Monitoring monitoring;
  /** Set by contractLocation(): where the contract is, so that grants can follow. */
  private Asset contractAsset;
  private IBucket contractBucket;
  private String contractKey;

  public CacheCheckStack(Construct scope, String id, StackProps stackProps, Props props) {
    super(scope, id, stackProps);
    this.props = props;
    this.settings = props.settings();
    Tags.of(this).add("project", "cachecheck");
    key = createKey();
    accessLogs = createAccessLogBucket();
    auditBucket = createAuditBucket();
    topic = createTopic();
    var placement = createPlacement();
    functions = createFunctions(placement);
    createGrants();
    stateMachine = createStateMachine();
    createSchedule();
    monitoring = createMonitoring();
    if (settings.examplePipeline()) {
      createExamplePipeline();
    }
    createOutputs();
    addChecks();
  }

  private Key createKey() {
    var result =
        Key.Builder.create(this, "Key")
            .description("cachecheck audit bucket and summary topic")
            .enableKeyRotation(true)
            .removalPolicy(RemovalPolicy.RETAIN)
            .build();
    // Alarms publish to the encrypted topic, so CloudWatch must be able to use the key.
    result.grant(new ServicePrincipal("cloudwatch.amazonaws.com"), "kms:Decrypt", "kms:GenerateDataKey");
    return result;
  }

  private Bucket createAccessLogBucket() {
    return Bucket.Builder.create(this, "AccessLogs")
        // S3 server access logging delivers only to SSE-S3 buckets.
        .encryption(BucketEncryption.S3_MANAGED)
        .blockPublicAccess(BlockPublicAccess.BLOCK_ALL)
        .enforceSsl(true)
        .versioned(true)
        .lifecycleRules(List.of(LifecycleRule.builder()
            .expiration(Duration.days(365))
            .noncurrentVersionExpiration(Duration.days(30))
            .build()))
        .removalPolicy(RemovalPolicy.RETAIN)
        .build();
  }

  private Bucket createAuditBucket() {
    return Bucket.Builder.create(this, "AuditBucket")
        .encryption(BucketEncryption.KMS)
        .encryptionKey(key)
        .bucketKeyEnabled(true)
        .versioned(true)
        .blockPublicAccess(BlockPublicAccess.BLOCK_ALL)
        .enforceSsl(true)
        .serverAccessLogsBucket(accessLogs)
        .serverAccessLogsPrefix("audit-bucket/")
        // Lifecycle filters are prefixes (no wildcards, no exclusions), so each rule names its prefix. Audit logs
        // are kept: no rule expires audit/, neither current nor noncurrent versions, so an overwritten audit log
        // stays recoverable (no function may delete one; see createGrants).
        .lifecycleRules(List.of(
            // Working files: runs/<runId>/ (tenant lists, shard results with the findings).
            LifecycleRule.builder()
                .id("expire-run-findings")
                .prefix(RUNS_PREFIX)
                .expiration(Duration.days(FINDINGS_RETENTION_DAYS))
                .noncurrentVersionExpiration(Duration.days(NONCURRENT_RETENTION_DAYS))
                .build(),
            // Every run overwrites baselines/latest.json; the baselines themselves (current versions) are kept.
            LifecycleRule.builder()
                .id("expire-noncurrent-baselines")
                .prefix(BASELINES_PREFIX)
                .noncurrentVersionExpiration(Duration.days(NONCURRENT_RETENTION_DAYS))
                .build(),
            LifecycleRule.builder()
                .id("abort-incomplete-uploads")
                .abortIncompleteMultipartUploadAfter(Duration.days(7))
                .build()))
        // Audit evidence outlives the stack: `cdk destroy` leaves the bucket in place.
        .removalPolicy(RemovalPolicy.RETAIN)
        .build();
  }

  private Topic createTopic() {
    var result =
        Topic.Builder.create(this, "SummaryTopic")
            .displayName("cachecheck run summaries and alarms")
            .masterKey(key)
            .enforceSsl(true)
            .build();
    if (settings.alertEmail() != null) {
      result.addSubscription(new EmailSubscription(settings.alertEmail()));
    }
    return result;
  }

  private Placement createPlacement() {
    if (settings.demo()) {
      demo = new DemoEnvironment(this, "Demo");
      return new Placement(demo.vpc(), demo.subnets(), List.of(demo.validatorSecurityGroup()));
    }
    var network = settings.network();
    // fromVpcAttributes, not fromLookup: synth stays offline and needs no AWS credentials.
    var vpcAttributes = VpcAttributes.builder()
        .vpcId(network.vpcId())
        .availabilityZones(network.availabilityZones())
        .privateSubnetIds(network.privateSubnetIds());
    if (network.vpcCidr() != null) {
      vpcAttributes.vpcCidrBlock(network.vpcCidr());
    }
    IVpc vpc = Vpc.fromVpcAttributes(this, "Vpc", vpcAttributes.build());
    // Route tables matter only to constructs that add routes or gateway endpoints; the functions
    // only need the subnet ids.
    Annotations.of(vpc).acknowledgeWarning(
        "@aws-cdk/aws-ec2:noSubnetRouteTableId", "the functions need subnet ids only");
    var selection = SubnetSelection.builder()
        .subnets(vpc.getPrivateSubnets())
        .build();
    if (!network.securityGroupIds().isEmpty()) {
      var groups = new ArrayList<ISecurityGroup>();
      for (String sgId : network.securityGroupIds()) {
        groups.add(SecurityGroup.fromSecurityGroupId(this, "SecurityGroup-" + sgId, sgId));
      }
      return new Placement(vpc, selection, groups);
    }
    return new Placement(vpc, selection, List.of(createValidatorSecurityGroup(vpc)));
  }

  private SecurityGroup createValidatorSecurityGroup(IVpc vpc) {
    createdSecurityGroup =
        SecurityGroup.Builder.create(this, "ValidatorSecurityGroup")
            .vpc(vpc)
            .description("cachecheck validator functions: database, Redis and AWS APIs only")
            .allowAllOutbound(false)
            .build();
    var peer = settings.network().vpcCidr() != null
        ? Peer.ipv4(settings.network().vpcCidr())
        : Peer.anyIpv4();
    createdSecurityGroup.addEgressRule(peer, Port.tcp(settings.database().port()), "database");
    createdSecurityGroup.addEgressRule(peer, Port.tcp(settings.cache().port()), "Redis");
    createdSecurityGroup.addEgressRule(Peer.anyIpv4(), Port.tcp(443), "AWS APIs (S3, SNS, Secrets Manager)");
    return createdSecurityGroup;
  }

  private ValidatorFunctions createFunctions(Placement placement) {
    return new ValidatorFunctions(this, "Functions", new ValidatorFunctions.Props(
        Code.fromAsset(props.functionCode().toString()),
        placement.vpc(),
        placement.subnets(),
        placement.securityGroups(),
        createEnvironment(),
        LOG_RETENTION));
  }

  private Map<String, String> createEnvironment() {
    var env = new LinkedHashMap<String, String>();
    env.put("POWERTOOLS_SERVICE_NAME", "cachecheck");
    env.put("POWERTOOLS_METRICS_NAMESPACE", Monitoring.NAMESPACE);
    env.put("POWERTOOLS_LOG_LEVEL", settings.logLevel());
    env.put("CACHECHECK_CONTRACT_LOCATION", contractLocation());
    env.put("CACHECHECK_AUDIT_BUCKET", auditBucket.getBucketName());
    env.put("CACHECHECK_SUMMARY_TOPIC_ARN", topic.getTopicArn());
    dbSecret().ifPresent(s -> env.put("CACHECHECK_DB_SECRET_ARN", s.getSecretArn()));
    cacheSecret().ifPresent(s -> env.put("CACHECHECK_CACHE_SECRET_ARN", s.getSecretArn()));
    if (settings.keyHmacSecretArn() != null) {
      env.put("CACHECHECK_KEY_HMAC_SECRET_ARN", settings.keyHmacSecretArn());
    }
    // Endpoints are passed for the contract to reference as ${CACHECHECK_DB_ENDPOINT} and
    // ${CACHECHECK_CACHE_ENDPOINT}; in demo mode they exist only after deployment.
    String dbEndpoint = demo != null
        ? demo.database().getDbInstanceEndpointAddress() + ":" + demo.database().getDbInstanceEndpointPort()
        : settings.database().endpoint();
    if (dbEndpoint != null) {
      env.put("CACHECHECK_DB_ENDPOINT", dbEndpoint);
    }
    String cacheEndpoint = demo != null ? demo.cacheEndpoint() : settings.cache().endpoint();
    if (cacheEndpoint != null) {
      env.put("CACHECHECK_CACHE_ENDPOINT", cacheEndpoint);
      env.put("CACHECHECK_CACHE_TLS", String.valueOf(demo != null || settings.cache().tls()));
    }
    return env;
  }

  /** The value of CACHECHECK_CONTRACT_LOCATION; bundles a local file as an asset. */
  private String contractLocation() {
    String location = settings.contractLocation();
    if (location.startsWith("classpath:")) {
      return location;
    }
    if (location.startsWith("s3://")) {
      String rest = location.substring("s3://".length());
      int slash = rest.indexOf('/');
      if (slash <= 0 || slash == rest.length() - 1) {
        throw new IllegalArgumentException(
            "Context 'contractLocation' must look like s3://bucket/key, got '" + location + "'");
      }
      contractBucket = Bucket.fromBucketName(this, "ContractBucket", rest.substring(0, slash));
      contractKey = rest.substring(slash + 1);
      return location;
    }
    Path file = Path.of(location);
    if (!Files.isRegularFile(file)) {
      throw new IllegalArgumentException("Context 'contractLocation' is neither s3://, classpath: nor"
          + " an existing file: " + file.toAbsolutePath());
    }
    contractAsset = Asset.Builder.create(this, "Contract").path(file.toString()).build();
    return "s3://" + contractAsset.getS3BucketName() + "/" + contractAsset.getS3ObjectKey();
  }

  private Optional<ISecret> dbSecret() {
    if (demo != null) {
      return Optional.ofNullable(demo.database().getSecret());
    }
    return importSecret("DbSecret", settings.database().secretArn());
  }

  private Optional<ISecret> cacheSecret() {
    if (demo != null) {
      return Optional.of(demo.cacheAuthSecret());
    }
    return importSecret("CacheSecret", settings.cache().authSecretArn());
  }

  private Optional<ISecret> importSecret(String id, String arn) {
    if (arn == null) {
      return Optional.empty();
    }
    var existing = getNode().tryFindChild(id);
    if (existing instanceof ISecret secret) {
      return Optional.of(secret);
    }
    // A complete ARN ends with the 6-character suffix Secrets Manager appends to the name.
    return Optional.of(arn.matches(".*-[A-Za-z0-9]{6}$")
        ? Secret.fromSecretCompleteArn(this, id, arn)
        : Secret.fromSecretPartialArn(this, id, arn));
  }

  private void createGrants() {
    Function discover = functions.discoverShards();
    Function validate = functions.validateShard();
    Function aggregate = functions.aggregate();
    // The functions' object store has put and get only: no function deletes an object, so no role gets
    // s3:DeleteObject*. Overwriting an audit log or baseline leaves the old version in the versioned bucket.
    // DiscoverShards stores the run's active tenants under runs/<runId>/tenants.json (and, for large runs, each
    // work item's tenants under runs/<runId>/work/); ValidateShard reads them and writes its shard result under
    // runs/<runId>/shards/. Neither may touch audit/ or baselines/.
    auditBucket.grantPut(discover, RUNS_OBJECTS);
    auditBucket.grantRead(validate, RUNS_OBJECTS);
    auditBucket.grantPut(validate, RUNS_OBJECTS);
    // Aggregate reads the shard results (and stored tenant lists) and the selected baseline, writes the new
    // baseline and baselines/latest.json, and the audit log. grantRead's s3:ListBucket matters: without it, S3
    // answers a missing key (baselines/latest.json before the first run) with 403 instead of 404.
    auditBucket.grantRead(aggregate, RUNS_OBJECTS);
    auditBucket.grantRead(aggregate, BASELINE_OBJECTS);
    auditBucket.grantPut(aggregate, BASELINE_OBJECTS);
    auditBucket.grantPut(aggregate, AUDIT_LOG_OBJECTS);
    topic.grantPublish(aggregate);
    for (Function fn : functions.all()) {
      grantContractRead(fn);
    }
    // Each function reads only the secrets it resolves. DiscoverShards connects to Redis (RedisNodes.discover
    // resolves cache.auth, in standalone mode too) and to the database to plan the shards; ValidateShard reads
    // both; Aggregate connects only to Redis, to remediate.
    dbSecret().ifPresent(s -> List.of(discover, validate).forEach(s::grantRead));
    cacheSecret().ifPresent(s -> List.of(discover, validate, aggregate).forEach(s::grantRead));
    if (settings.keyHmacSecretArn() != null) {
      importSecret("KeyHmacSecret", settings.keyHmacSecretArn())
          // ValidateShard redacts the keys of the shard results and seals the real ones; Aggregate unseals them to
          // remediate and redacts the audit log, baseline and summary
          .ifPresent(s -> List.of(validate, aggregate).forEach(s::grantRead));
    }
    if (demo == null && settings.database().iamAuth()) {
      String dbUserArn = Stack.of(this).formatArn(ArnComponents.builder()
          .service("rds-db")
          .resource("dbuser")
          .resourceName(settings.database().resourceId() + "/" + settings.database().user())
          .arnFormat(ArnFormat.COLON_RESOURCE_NAME)
          .build());
      for (IGrantable fn : List.of(discover, validate)) {
        Grant.addToPrincipal(GrantOnPrincipalOptions.builder()
            .grantee(fn)
            .actions(List.of("rds-db:connect"))
            .resourceArns(List.of(dbUserArn))
            .build());
      }
    }
    if (settings.cellSecretNamePrefix() != null) {
      // A cell contract's secretRef names one secret per cell (e.g. cachecheck/cells/{shard}/db): every function
      // that resolves a cell's auth may read the secrets under the prefix, and only those. DiscoverShards resolves
      // each cell's cache and source secrets at discovery, ValidateShard connects to its cell, Aggregate to each
      // cell's cache to remediate (CellRemediation). The trailing * also covers the 6-character suffix Secrets
      // Manager appends to every secret's ARN. Like the imported secrets above, no kms:Decrypt: secrets under the
      // AWS managed key need none, a customer-managed key's policy must allow the roles (docs/infrastructure.md).
      String cellSecrets = Stack.of(this).formatArn(ArnComponents.builder()
          .service("secretsmanager")
          .resource("secret")
          .resourceName(settings.cellSecretNamePrefix() + "*")
          .arnFormat(ArnFormat.COLON_RESOURCE_NAME)
          .build());
      for (IGrantable fn : List.of(discover, validate, aggregate)) {
        Grant.addToPrincipal(GrantOnPrincipalOptions.builder()
            .grantee(fn)
            .actions(List.of("secretsmanager:GetSecretValue"))
            .resourceArns(List.of(cellSecrets))
            .build());
      }
    }
  }

  private void grantContractRead(Function fn) {
    if (contractAsset != null) {
      contractAsset.grantRead(fn);
    } else if (contractBucket != null) {
      contractBucket.grantRead(fn, contractKey);
    }
  }

  private StateMachine createStateMachine() {
    String definition;
    try {
      definition = Files.readString(props.stateMachineDefinition());
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read the state machine definition "
          + props.stateMachineDefinition().toAbsolutePath(), e);
    }
    var logs = LogGroup.Builder.create(this, "StateMachineLogs")
        .retention(LOG_RETENTION)
        .removalPolicy(RemovalPolicy.DESTROY)
        .build();
    String name = stateMachineName();
    var result = StateMachine.Builder.create(this, "StateMachine")
        .stateMachineName(name)
        // Standard: CodePipeline's Step Functions action waits for, and fails on, Standard only.
        .stateMachineType(StateMachineType.STANDARD)
        .definitionBody(DefinitionBody.fromString(definition))
        .definitionSubstitutions(Map.of(
            "DiscoverShardsFunctionArn", functions.discoverShardsAlias().getFunctionArn(),
            "ValidateShardFunctionArn", functions.validateShardAlias().getFunctionArn(),
            "AggregateFunctionArn", functions.aggregateAlias().getFunctionArn(),
            "AuditBucketName", auditBucket.getBucketName()))
        .timeout(EXECUTION_TIMEOUT)
        .tracingEnabled(true)
        // Execution data would copy tenant keys and values into the logs; log transitions only.
        .logs(LogOptions.builder().destination(logs).level(LogLevel.ALL).includeExecutionData(false).build())
        .build();
    functions.aliases().forEach(alias -> alias.grantInvoke(result));
    grantDistributedMap(result, name);
    return result;
  }

  String stateMachineName() {
    return getStackName() + STATE_MACHINE_NAME_SUFFIX;
  }

  /**
   * What the Distributed Map ValidateShards needs (docs/infrastructure.md, "IAM"): to start, describe and stop its
   * child executions, which are executions of this state machine (execution:<name>/<label>:<id>); to read the run's
   * work items (ItemReader); and to write the Map run's results (ResultWriter: PutObject, and the multipart upload
   * actions AWS documents for it). S3 access is limited to those two key patterns under runs/; the bucket key's
   * encrypt/decrypt come with the grants.
   */
  private void grantDistributedMap(StateMachine machine, String name) {
    String self = formatArn(ArnComponents.builder().service("states").resource("stateMachine").resourceName(name)
        .arnFormat(ArnFormat.COLON_RESOURCE_NAME).build());
    String children = formatArn(ArnComponents.builder().service("states").resource("execution")
        .resourceName(name + "/*").arnFormat(ArnFormat.COLON_RESOURCE_NAME).build());
    machine.addToRolePolicy(PolicyStatement.Builder.create()
        .actions(List.of("states:StartExecution"))
        .resources(List.of(self))
        .build());
    machine.addToRolePolicy(PolicyStatement.Builder.create()
        .actions(List.of("states:DescribeExecution", "states:StopExecution"))
        .resources(List.of(children))
        .build());
    auditBucket.grantRead(machine, WORK_ITEMS_OBJECTS);
    auditBucket.grantPut(machine, MAP_RESULT_OBJECTS);
    machine.addToRolePolicy(PolicyStatement.Builder.create()
        .actions(List.of("s3:GetObject", "s3:ListMultipartUploadParts"))
        .resources(List.of(auditBucket.arnForObjects(MAP_RESULT_OBJECTS)))
        .build());
  }

  private void createSchedule() {
    Schedule.Builder.create(this, "Schedule")
        .description("cachecheck scheduled validation")
        .schedule(ScheduleExpression.expression(settings.scheduleExpression()))
        .target(new StepFunctionsStartExecution(stateMachine, ScheduleTargetBaseProps.builder()
            .input(ScheduleTargetInput.fromObject(Map.of("mode", "scheduled")))
            .build()))
        .build();
  }

  private Monitoring createMonitoring() {
    return new Monitoring(this, "Monitoring", new Monitoring.Props(
        stateMachine,
        functions.all(),
        topic,
        settings.thresholds().minConsistencyScore(),
        settings.thresholds().maxDriftedKeys()));
  }

  private void createExamplePipeline() {
    var sourceBucket = Bucket.Builder.create(this, "PipelineSource")
        .encryption(BucketEncryption.S3_MANAGED)
        .versioned(true) // the S3 source action needs versioning
        .blockPublicAccess(BlockPublicAccess.BLOCK_ALL)
        .enforceSsl(true)
        .serverAccessLogsBucket(accessLogs)
        .serverAccessLogsPrefix("pipeline-source/")
        .build();
    // S3 sends its events to EventBridge. Set on the CloudFormation bucket, not with the L2 eventBridgeEnabled
    // flag, which configures notifications through a custom-resource Lambda function.
    ((CfnBucket) sourceBucket.getNode().getDefaultChild()).setNotificationConfiguration(
        CfnBucket.NotificationConfigurationProperty.builder()
            .eventBridgeConfiguration(CfnBucket.EventBridgeConfigurationProperty.builder()
                .eventBridgeEnabled(true)
                .build())
            .build());
    var artifactBucket = Bucket.Builder.create(this, "PipelineArtifacts")
        .encryption(BucketEncryption.S3_MANAGED)
        .blockPublicAccess(BlockPublicAccess.BLOCK_ALL)
        .enforceSsl(true)
        .serverAccessLogsBucket(accessLogs)
        .serverAccessLogsPrefix("pipeline-artifacts/")
        .build();
    var source = new Artifact("Source");
    var gate = new ConsistencyGate(this, "ConsistencyGate",
        new ConsistencyGate.Props(stateMachine, ConsistencyGate.GateInput.defaults()));
    var pipeline = Pipeline.Builder.create(this, "ExamplePipeline")
        .pipelineType(PipelineType.V2)
        .artifactBucket(artifactBucket)
        .stages(List.of(
            StageProps.builder().stageName("Source").actions(List.of(
                S3SourceAction.Builder.create()
                    .actionName("Source")
                    .bucket(sourceBucket)
                    .bucketKey(PIPELINE_SOURCE_KEY)
                    // Started by createPipelineStartRule: POLL stops polling after 30 days without a run, and CDK's
                    // EVENTS needs a CloudTrail trail logging the bucket's data events.
                    .trigger(S3Trigger.NONE)
                    .output(source)
                    .build())).build(),
            StageProps.builder().stageName("PreRolloutGate").actions(List.of(gate.action())).build(),
            StageProps.builder().stageName("Deploy").actions(List.of(
                ManualApprovalAction.Builder.create()
                    .actionName("DeployPlaceholder")
                    .additionalInformation("Replace with the deploy action of your application.")
                    .build())).build()))
        .build();
    createPipelineStartRule(sourceBucket, pipeline);
    output("ExamplePipelineName", pipeline.getPipelineName());
    output("ExamplePipelineSourceBucketName", sourceBucket.getBucketName());
  }

  /** Uploading release.zip (PUT, multipart upload or copy) starts the pipeline. */
  private void createPipelineStartRule(IBucket sourceBucket, Pipeline pipeline) {
    Rule.Builder.create(this, "ExamplePipelineSourceChanged")
        .description("Starts the example pipeline when " + PIPELINE_SOURCE_KEY + " is uploaded")
        .eventPattern(EventPattern.builder()
            .source(List.of("aws.s3"))
            .detailType(List.of("Object Created"))
            .detail(Map.of(
                "bucket", Map.of("name", List.of(sourceBucket.getBucketName())),
                "object", Map.of("key", List.of(PIPELINE_SOURCE_KEY))))
            .build())
        .targets(List.of(new CodePipeline(pipeline)))
        .build();
  }

  private void createOutputs() {
    output("StateMachineArn", stateMachine.getStateMachineArn());
    output("AuditBucketName", auditBucket.getBucketName());
    output("SummaryTopicArn", topic.getTopicArn());
    output("DashboardName", monitoring.dashboard().getDashboardName());
    if (createdSecurityGroup != null) {
      output("ValidatorSecurityGroupId", createdSecurityGroup.getSecurityGroupId());
    }
    if (demo != null) {
      output("ValidatorSecurityGroupId", demo.validatorSecurityGroup().getSecurityGroupId());
      output("DemoDatabaseEndpoint", demo.database().getDbInstanceEndpointAddress());
      output("DemoCacheEndpoint", demo.cacheEndpoint());
    }
  }

  private void output(String id, String value) {
    CfnOutput.Builder.create(this, id).value(value).build();
  }

  /** Expands wildcard grant actions, then runs the AwsSolutions checks; NagFindings lists accepted findings. */
  private void addChecks() {
    Aspects.of(this).add(new ExplicitIamActions(),
        AspectOptions.builder().priority(AspectPriority.MUTATING).build());
    Aspects.of(this).add(new AwsSolutionsChecks());
    NagFindings.suppress(this);
  }

  StateMachine stateMachine() {
    return stateMachine;
  }

  ValidatorFunctions functions() {
    return functions;
  }

  DemoEnvironment demo() {
    return demo;
  }

  CacheCheckSettings settings() {
    return settings;
  }
}
