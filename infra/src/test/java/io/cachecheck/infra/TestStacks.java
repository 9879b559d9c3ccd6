package io.cachecheck.infra;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import software.amazon.awscdk.App;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.assertions.Template;

/** Builds stacks for tests: no functions jar, no AWS credentials, no network. */
final class TestStacks {

  /** Context for an existing VPC, reached with a database secret. */
  static final Map<String, Object> EXISTING_VPC = Map.of(
      "vpcId", "vpc-0123456789abcdef0",
      "vpcCidr", "10.20.0.0/16",
      "availabilityZones", "eu-west-1a,eu-west-1b",
      "privateSubnetIds", "subnet-0aaa,subnet-0bbb",
      "dbSecretArn", "arn:aws:secretsmanager:eu-west-1:111122223333:secret:cachecheck/db-AbCdEf",
      "cacheEndpoint", "master.cache.example.euw1.cache.amazonaws.com:6379",
      "cacheAuthSecretArn", "arn:aws:secretsmanager:eu-west-1:111122223333:secret:cachecheck/redis-GhIjKl",
      "contractLocation", "s3://contracts-bucket/cachecheck/contract.yaml",
      "alertEmail", "oncall@example.com");

  private static final Path REAL_ASL = Path.of("..", CacheCheckApp.STATE_MACHINE);
  private static final Path TEST_ASL = Path.of("src/test/resources", CacheCheckApp.STATE_MACHINE);

  private TestStacks() {}

  static CacheCheckStack stack(Map<String, Object> context) {
    var app = App.Builder.create().context(new HashMap<>(context)).build();
    var settings = CacheCheckSettings.fromContext(app.getNode());
    return new CacheCheckStack(app, "CacheCheckTest", StackProps.builder().build(),
        new CacheCheckStack.Props(settings, fakeCode(), stateMachineDefinition()));
  }

  static Template template(Map<String, Object> context) {
    return Template.fromStack(stack(context));
  }

  static Map<String, Object> with(Map<String, Object> base, String key, Object value) {
    var result = new HashMap<>(base);
    result.put(key, value);
    return result;
  }

  /** The real ASL when another engineer has written it, otherwise the test copy. */
  static Path stateMachineDefinition() {
    return Files.isRegularFile(REAL_ASL) ? REAL_ASL : TEST_ASL;
  }

  /** A directory standing in for the shaded jar: the tests check configuration, not code. */
  private static Path fakeCode() {
    try {
      Path dir = Files.createTempDirectory("cachecheck-code");
      Files.writeString(dir.resolve("placeholder.txt"), "stand-in for cachecheck-functions.jar");
      dir.toFile().deleteOnExit();
      return dir;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
