package io.cachecheck.infra;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.Network;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.localstack.LocalStackContainer;
import org.testcontainers.utility.DockerImageName;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.Architecture;
import software.amazon.awssdk.services.lambda.model.Runtime;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sfn.model.ExecutionStatus;
import software.amazon.awssdk.services.sns.SnsClient;

/**
 * End to end on LocalStack: deploys the three functions from the shaded jar with {@code live}
 * aliases, creates the state machine from the real ASL with the alias ARNs substituted, starts a
 * manual execution over seeded data and expects it to succeed.
 *
 * <p>Needs Docker and {@code functions/target/cachecheck-functions.jar}. Run with
 * {@code mvn -B -pl infra test -Plocalstack -Dtest=CacheCheckLocalStackTest}. Skipped where Docker
 * is missing. Differences from AWS: functions are x86_64 (LocalStack runs Lambda containers on the
 * host's architecture), SnapStart and VPC placement are not emulated, IAM is not enforced.
 */
@Testcontainers(disabledWithoutDocker = true)
class CacheCheckLocalStackTest {

  private static final Path JAR = Path.of("..", CacheCheckApp.FUNCTIONS_JAR);
  private static final String ROLE = "arn:aws:iam::000000000000:role/cachecheck";
  private static final Network NETWORK = Network.newNetwork();

  @Container
  static final GenericContainer<?> REDIS = new GenericContainer<>(DockerImageName.parse("redis:7.4-alpine"))
      .withNetwork(NETWORK)
      .withNetworkAliases("redis");

  @Container
  static final GenericContainer<?> POSTGRES = new GenericContainer<>(DockerImageName.parse("postgres:16-alpine"))
      .withNetwork(NETWORK)
      .withNetworkAliases("postgres")
      .withEnv("POSTGRES_DB", "test")
      .withEnv("POSTGRES_HOST_AUTH_METHOD", "trust")
      .waitingFor(Wait.forLogMessage(".*database system is ready to accept connections.*", 2));

  // 4.0.3 runs without an auth token (images after 4.14.0 need one).
  @Container
  static final LocalStackContainer LOCALSTACK =
      new LocalStackContainer(DockerImageName.parse("localstack/localstack:4.0.3"))
          .withNetwork(NETWORK)
          .withServices("lambda", "stepfunctions", "s3", "sns", "logs", "iam", "sts")
          // Lambda containers join the test network to reach redis and postgres by alias.
          .withEnv("LAMBDA_DOCKER_NETWORK", NETWORK.getId());

  @BeforeAll
  static void requireJar() {
    Assumptions.assumeTrue(Files.isRegularFile(JAR),
        "Build the functions jar first: " + CacheCheckApp.BUILD_COMMAND);
  }

  @Test
  void manualExecution_overConsistentData_succeeds() throws Exception {
    seedConsistentData();
    try (var s3 = configure(S3Client.builder()).forcePathStyle(true).build();
         var sns = configure(SnsClient.builder()).build();
         var lambda = configure(LambdaClient.builder()).build();
         var sfn = configure(SfnClient.builder()).build()) {
      String bucket = "cachecheck-audit";
      s3.createBucket(b -> b.bucket(bucket));
      s3.putObject(b -> b.bucket(bucket).key("contract.yaml"),
          RequestBody.fromString(Files.readString(Path.of("src/test/resources/localstack/contract.yaml"))));
      s3.putObject(b -> b.bucket(bucket).key("code/cachecheck-functions.jar"), RequestBody.fromFile(JAR));
      String topicArn = sns.createTopic(b -> b.name("cachecheck-summary")).topicArn();

      var env = new LinkedHashMap<String, String>();
      env.put("POWERTOOLS_SERVICE_NAME", "cachecheck");
      env.put("POWERTOOLS_METRICS_NAMESPACE", "CacheCheck");
      env.put("POWERTOOLS_LOG_LEVEL", "INFO");
      env.put("CACHECHECK_CONTRACT_LOCATION", "s3://" + bucket + "/contract.yaml");
      env.put("CACHECHECK_AUDIT_BUCKET", bucket);
      env.put("CACHECHECK_SUMMARY_TOPIC_ARN", topicArn);

      var aliases = new LinkedHashMap<String, String>();
      for (String name : new String[] {"DiscoverShards", "ValidateShard", "Aggregate"}) {
        aliases.put(name + "FunctionArn", deploy(lambda, name, bucket, env));
      }
      // the Distributed Map's ItemReader and ResultWriter use the audit bucket
      aliases.put("AuditBucketName", bucket);

      String definition = Files.readString(TestStacks.stateMachineDefinition());
      for (Map.Entry<String, String> alias : aliases.entrySet()) {
        definition = definition.replace("${" + alias.getKey() + "}", alias.getValue());
      }
      assertThat(definition).doesNotContain("${");
      String finalDefinition = definition;
      String stateMachineArn = sfn.createStateMachine(b -> b.name("cachecheck")
          .definition(finalDefinition).roleArn(ROLE)
          .type(software.amazon.awssdk.services.sfn.model.StateMachineType.STANDARD)).stateMachineArn();

      String executionArn = sfn.startExecution(b -> b.stateMachineArn(stateMachineArn)
          .input("{\"mode\":\"manual\",\"tenantScope\":\"all\",\"remediate\":false}")).executionArn();

      var deadline = Instant.now().plus(Duration.ofMinutes(5));
      ExecutionStatus status;
      do {
        Thread.sleep(2000);
        status = sfn.describeExecution(b -> b.executionArn(executionArn)).status();
      } while (status == ExecutionStatus.RUNNING && Instant.now().isBefore(deadline));

      var history = sfn.getExecutionHistory(b -> b.executionArn(executionArn).reverseOrder(true).maxResults(5));
      assertThat(status).as("execution status; last events: %s", history.events()).isEqualTo(ExecutionStatus.SUCCEEDED);
      // Aggregate writes the audit log and baseline to the bucket.
      assertThat(s3.listObjectsV2(b -> b.bucket(bucket)).contents())
          .extracting(o -> o.key())
          .anyMatch(key -> !key.equals("contract.yaml") && !key.startsWith("code/"));
    }
  }

  private static String deploy(LambdaClient lambda, String name, String bucket, Map<String, String> env) {
    lambda.createFunction(b -> b.functionName("cachecheck-" + name)
        .runtime(Runtime.JAVA21)
        .architectures(Architecture.X86_64)
        .handler("io.cachecheck.handler." + name + "Handler::handleRequest")
        .role(ROLE)
        .memorySize(name.equals("ValidateShard") ? 2048 : 1024)
        .timeout(name.equals("ValidateShard") ? 900 : 300)
        .code(c -> c.s3Bucket(bucket).s3Key("code/cachecheck-functions.jar"))
        .environment(e -> e.variables(env)));
    lambda.waiter().waitUntilFunctionActiveV2(b -> b.functionName("cachecheck-" + name));
    String version = lambda.publishVersion(b -> b.functionName("cachecheck-" + name)).version();
    return lambda.createAlias(b -> b.functionName("cachecheck-" + name).name("live").functionVersion(version))
        .aliasArn();
  }

  private static void seedConsistentData() throws Exception {
    exec(POSTGRES, "psql", "-U", "postgres", "-d", "test", "-v", "ON_ERROR_STOP=1", "-c",
        "CREATE TABLE tenants (tenant_id int PRIMARY KEY, active boolean NOT NULL);"
            + "CREATE TABLE orders (tenant_id int, order_id int, status text, updated_at timestamptz,"
            + " PRIMARY KEY (tenant_id, order_id));"
            + "INSERT INTO tenants VALUES (1, true);"
            + "INSERT INTO orders VALUES (1, 100, 'SHIPPED', '2026-01-02T03:04:05Z'),"
            + " (1, 101, 'NEW', '2026-01-02T03:04:06Z');");
    exec(REDIS, "redis-cli", "SET", "t:1:order:100",
        "{\"status\":\"SHIPPED\",\"updatedAt\":\"2026-01-02T03:04:05Z\"}");
    exec(REDIS, "redis-cli", "SET", "t:1:order:101",
        "{\"status\":\"NEW\",\"updatedAt\":\"2026-01-02T03:04:06Z\"}");
  }

  private static void exec(GenericContainer<?> container, String... command) throws Exception {
    var result = container.execInContainer(command);
    assertThat(result.getExitCode()).as("%s: %s", String.join(" ", command), result.getStderr()).isZero();
  }

  private static <B extends software.amazon.awssdk.awscore.client.builder.AwsClientBuilder<B, ?>
      & software.amazon.awssdk.core.client.builder.SdkSyncClientBuilder<B, ?>> B configure(B builder) {
    return builder
        .endpointOverride(URI.create(LOCALSTACK.getEndpoint().toString()))
        .region(Region.of(LOCALSTACK.getRegion()))
        .credentialsProvider(StaticCredentialsProvider.create(
            AwsBasicCredentials.create(LOCALSTACK.getAccessKey(), LOCALSTACK.getSecretKey())))
        .httpClient(UrlConnectionHttpClient.create());
  }
}
