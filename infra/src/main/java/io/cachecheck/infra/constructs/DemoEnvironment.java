package io.cachecheck.infra.constructs;

import java.util.List;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.services.ec2.FlowLogDestination;
import software.amazon.awscdk.services.ec2.FlowLogOptions;
import software.amazon.awscdk.services.ec2.GatewayVpcEndpointAwsService;
import software.amazon.awscdk.services.ec2.GatewayVpcEndpointOptions;
import software.amazon.awscdk.services.ec2.ISecurityGroup;
import software.amazon.awscdk.services.ec2.InstanceClass;
import software.amazon.awscdk.services.ec2.InstanceSize;
import software.amazon.awscdk.services.ec2.InstanceType;
import software.amazon.awscdk.services.ec2.InterfaceVpcEndpointAwsService;
import software.amazon.awscdk.services.ec2.InterfaceVpcEndpointOptions;
import software.amazon.awscdk.services.ec2.Peer;
import software.amazon.awscdk.services.ec2.Port;
import software.amazon.awscdk.services.ec2.SecurityGroup;
import software.amazon.awscdk.services.ec2.SubnetConfiguration;
import software.amazon.awscdk.services.ec2.SubnetSelection;
import software.amazon.awscdk.services.ec2.SubnetType;
import software.amazon.awscdk.services.ec2.Vpc;
import software.amazon.awscdk.services.elasticache.CfnReplicationGroup;
import software.amazon.awscdk.services.elasticache.CfnSubnetGroup;
import software.amazon.awscdk.services.logs.LogGroup;
import software.amazon.awscdk.services.logs.RetentionDays;
import software.amazon.awscdk.services.rds.Credentials;
import software.amazon.awscdk.services.rds.DatabaseInstance;
import software.amazon.awscdk.services.rds.DatabaseInstanceEngine;
import software.amazon.awscdk.services.rds.PostgresEngineVersion;
import software.amazon.awscdk.services.rds.PostgresInstanceEngineProps;
import software.amazon.awscdk.services.secretsmanager.ISecret;
import software.amazon.awscdk.services.secretsmanager.Secret;
import software.amazon.awscdk.services.secretsmanager.SecretStringGenerator;
import software.constructs.Construct;

/**
 * An evaluation environment: a two-AZ VPC without internet access, a small encrypted RDS
 * PostgreSQL instance and an ElastiCache Redis replication group with TLS in transit, encryption at
 * rest and an AUTH token. Not for production: single-AZ, small instances, deleted with the stack.
 *
 * <p>The subnets are isolated (no NAT gateway); the functions reach S3 through a gateway endpoint,
 * and SNS and Secrets Manager through interface endpoints.
 */
public final class DemoEnvironment extends Construct {

  public static final int DB_PORT = 5432;
  public static final int CACHE_PORT = 6379;
  private static final int HTTPS = 443;

  private final Vpc vpc;
  private final SecurityGroup validatorSecurityGroup;
  private final DatabaseInstance database;
  private final ISecret cacheAuthSecret;
  private final CfnReplicationGroup cache;

  public DemoEnvironment(Construct scope, String id) {
    super(scope, id);
    vpc = createVpc();
    validatorSecurityGroup =
        SecurityGroup.Builder.create(this, "ValidatorSecurityGroup")
            .vpc(vpc)
            .description("cachecheck validator functions")
            .allowAllOutbound(false)
            .build();
    // HTTPS to anywhere is safe here: the subnets are isolated, so the only reachable HTTPS
    // destinations are the VPC endpoints (SNS, Secrets Manager) and S3 through the gateway endpoint,
    // whose prefix list would need a credentialed lookup at synth.
    validatorSecurityGroup.addEgressRule(Peer.anyIpv4(), Port.tcp(HTTPS), "AWS APIs through VPC endpoints");
    createInterfaceEndpoints();
    database = createDatabase();
    cacheAuthSecret = createCacheAuthSecret();
    cache = createCache();
  }

  private Vpc createVpc() {
    var result =
        Vpc.Builder.create(this, "Vpc")
            .maxAzs(2)
            .natGateways(0)
            .subnetConfiguration(List.of(
                SubnetConfiguration.builder()
                    .name("private")
                    .subnetType(SubnetType.PRIVATE_ISOLATED)
                    .cidrMask(24)
                    .build()))
            .gatewayEndpoints(java.util.Map.of(
                "S3Endpoint", GatewayVpcEndpointOptions.builder().service(GatewayVpcEndpointAwsService.S3).build()))
            .build();
    var flowLogs =
        LogGroup.Builder.create(this, "FlowLogs")
            .retention(RetentionDays.ONE_MONTH)
            .removalPolicy(RemovalPolicy.DESTROY)
            .build();
    result.addFlowLog("FlowLog",
        FlowLogOptions.builder().destination(FlowLogDestination.toCloudWatchLogs(flowLogs)).build());
    return result;
  }

  /** SNS and Secrets Manager endpoints, reachable from the validator functions only. */
  private void createInterfaceEndpoints() {
    var endpointSecurityGroup =
        SecurityGroup.Builder.create(this, "EndpointSecurityGroup")
            .vpc(vpc)
            .description("cachecheck demo VPC endpoints")
            .allowAllOutbound(false)
            .build();
    endpointSecurityGroup.addIngressRule(validatorSecurityGroup, Port.tcp(HTTPS), "validator functions");
    for (var service : List.of(InterfaceVpcEndpointAwsService.SNS, InterfaceVpcEndpointAwsService.SECRETS_MANAGER)) {
      vpc.addInterfaceEndpoint(
          service.getShortName() + "Endpoint",
          InterfaceVpcEndpointOptions.builder()
              .service(service)
              .privateDnsEnabled(true)
              .open(false)
              .securityGroups(List.of(endpointSecurityGroup))
              .build());
    }
  }

  private DatabaseInstance createDatabase() {
    var dbSecurityGroup =
        SecurityGroup.Builder.create(this, "DatabaseSecurityGroup")
            .vpc(vpc)
            .description("cachecheck demo database")
            .allowAllOutbound(false)
            .build();
    dbSecurityGroup.addIngressRule(validatorSecurityGroup, Port.tcp(DB_PORT), "validator functions");
    validatorSecurityGroup.addEgressRule(dbSecurityGroup, Port.tcp(DB_PORT), "demo database");
    return DatabaseInstance.Builder.create(this, "Database")
        .engine(DatabaseInstanceEngine.postgres(
            PostgresInstanceEngineProps.builder().version(PostgresEngineVersion.VER_16).build()))
        .instanceType(InstanceType.of(InstanceClass.BURSTABLE4_GRAVITON, InstanceSize.MICRO))
        .vpc(vpc)
        .vpcSubnets(SubnetSelection.builder().subnetType(SubnetType.PRIVATE_ISOLATED).build())
        .securityGroups(List.of(dbSecurityGroup))
        .credentials(Credentials.fromGeneratedSecret("cachecheck_admin"))
        .databaseName("cachecheck")
        .storageEncrypted(true)
        .iamAuthentication(true)
        .allocatedStorage(20)
        .backupRetention(Duration.days(1))
        .cloudwatchLogsExports(List.of("postgresql"))
        .deletionProtection(false)
        .removalPolicy(RemovalPolicy.DESTROY)
        .build();
  }

  private ISecret createCacheAuthSecret() {
    return Secret.Builder.create(this, "CacheAuthToken")
        .description("cachecheck demo Redis AUTH token")
        .generateSecretString(SecretStringGenerator.builder()
            .passwordLength(64)
            // Redis AUTH tokens allow printable ASCII except @, " and /; no punctuation is simplest.
            .excludePunctuation(true)
            .build())
        .removalPolicy(RemovalPolicy.DESTROY)
        .build();
  }

  private CfnReplicationGroup createCache() {
    var cacheSecurityGroup =
        SecurityGroup.Builder.create(this, "CacheSecurityGroup")
            .vpc(vpc)
            .description("cachecheck demo Redis")
            .allowAllOutbound(false)
            .build();
    cacheSecurityGroup.addIngressRule(validatorSecurityGroup, Port.tcp(CACHE_PORT), "validator functions");
    validatorSecurityGroup.addEgressRule(cacheSecurityGroup, Port.tcp(CACHE_PORT), "demo Redis");
    var subnetGroup =
        CfnSubnetGroup.Builder.create(this, "CacheSubnets")
            .description("cachecheck demo Redis")
            .subnetIds(vpc.getIsolatedSubnets().stream().map(s -> s.getSubnetId()).toList())
            .build();
    return CfnReplicationGroup.Builder.create(this, "Cache")
        .replicationGroupDescription("cachecheck demo Redis")
        .engine("redis")
        .engineVersion("7.1")
        .cacheNodeType("cache.t4g.micro")
        .numCacheClusters(1)
        .port(CACHE_PORT)
        .cacheSubnetGroupName(subnetGroup.getRef())
        .securityGroupIds(List.of(cacheSecurityGroup.getSecurityGroupId()))
        .transitEncryptionEnabled(true)
        .atRestEncryptionEnabled(true)
        .authToken(cacheAuthSecret.getSecretValue().unsafeUnwrap())
        .build();
  }

  public Vpc vpc() {
    return vpc;
  }

  public SubnetSelection subnets() {
    return SubnetSelection.builder().subnetType(SubnetType.PRIVATE_ISOLATED).build();
  }

  public ISecurityGroup validatorSecurityGroup() {
    return validatorSecurityGroup;
  }

  public DatabaseInstance database() {
    return database;
  }

  public ISecret cacheAuthSecret() {
    return cacheAuthSecret;
  }

  /** {@code host:port} of the primary endpoint. */
  public String cacheEndpoint() {
    return cache.getAttrPrimaryEndPointAddress() + ":" + cache.getAttrPrimaryEndPointPort();
  }
}
