package io.cachecheck.infra;

import java.nio.file.Files;
import java.nio.file.Path;
import software.amazon.awscdk.App;
import software.amazon.awscdk.Environment;
import software.amazon.awscdk.StackProps;

/**
 * The CDK app. The root cdk.json runs it from the repository root; see docs/infrastructure.md for
 * the context inputs.
 */
public final class CacheCheckApp {

  static final String FUNCTIONS_JAR = "functions/target/cachecheck-functions.jar";
  static final String STATE_MACHINE = "statemachine/cache-validation.asl.json";
  static final String BUILD_COMMAND = "mvn -B -q -pl functions -am package -DskipTests";

  private CacheCheckApp() {}

  public static void main(String[] args) {
    var app = new App();
    var settings = CacheCheckSettings.fromContext(app.getNode());
    Path root = repositoryRoot();
    Path jar = contextPath(app, "functionsJar", root.resolve(FUNCTIONS_JAR));
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException("The Lambda jar " + jar + " does not exist. Build it first,"
          + " from the repository root: " + BUILD_COMMAND
          + " (or point -c functionsJar=<path> at a built jar).");
    }
    Path asl = contextPath(app, "stateMachineDefinition", root.resolve(STATE_MACHINE));
    if (!Files.isRegularFile(asl)) {
      throw new IllegalStateException("The state machine definition " + asl + " does not exist"
          + " (or point -c stateMachineDefinition=<path> at an ASL file).");
    }
    String stackName = app.getNode().tryGetContext("stackName") instanceof String name ? name : "CacheCheck";
    new CacheCheckStack(app, stackName,
        StackProps.builder()
            .description("cachecheck: proves a Redis cache agrees with its database")
            .env(Environment.builder()
                .account(System.getenv("CDK_DEFAULT_ACCOUNT"))
                .region(System.getenv("CDK_DEFAULT_REGION"))
                .build())
            .build(),
        new CacheCheckStack.Props(settings, jar, asl));
    app.synth();
  }

  /** The directory holding cdk.json: the working directory of `cdk synth`, or its parent. */
  private static Path repositoryRoot() {
    Path dir = Path.of("").toAbsolutePath();
    for (Path p = dir; p != null; p = p.getParent()) {
      if (Files.isRegularFile(p.resolve("cdk.json"))) {
        return p;
      }
    }
    return dir;
  }

  private static Path contextPath(App app, String key, Path fallback) {
    Object value = app.getNode().tryGetContext(key);
    return value == null ? fallback : Path.of(value.toString()).toAbsolutePath();
  }
}
