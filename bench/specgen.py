"""Generated job specs for the lint benchmark: realistic and varied, 40-50 lines each.

Spark (mapping and string ``sparkSubmitParameters``), Hive and streaming specs in a folder
per team, under one ``_defaults.yaml`` with dev and prod stack sections; seeded, so every
run lints the same files.
"""

from __future__ import annotations

import random
from pathlib import Path

DEFAULTS = """\
# Shared by every spec below; stacks override per environment.
defaults:
  applicationId: 00fkt3q8n4s5ab09
  executionRoleArn: arn:aws:iam::123456789012:role/emr-serverless-job-dev
  executionTimeoutMinutes: 180
  configurationOverrides:
    monitoringConfiguration:
      s3MonitoringConfiguration:
        logUri: s3://acme-logs/emr-serverless/
  tags:
    managed-by: jobspec
    cost-center: data-platform
stacks:
  dev:
    tags: {env: dev}
  prod:
    applicationId: 00fprd7x2m1k4c88
    executionRoleArn: arn:aws:iam::123456789012:role/emr-serverless-job-prod
    tags: {env: prod}
"""

TEAMS = ["analytics", "growth", "payments", "search", "ml", "risk", "ops", "marketing"]
MEMORY = ["2g", "4g", "8g", "16g"]


def spark_spec(i: int, rnd: random.Random, team: str) -> str:
    mapping = rnd.random() < 0.7
    lines = [
        f"# {team}: nightly Spark job {i}, owned by the {team} team.",
        f"name: {team}-spark-{i:05d}",
        "mode: BATCH",
        "jobDriver:",
        "  sparkSubmit:",
        f"    entryPoint: s3://acme-{team}-jobs/etl/job_{i:05d}.py",
        f'    entryPointArguments: ["--date", "{{{{ds}}}}", "--partition", "p{i % 97}", "--output", "s3://acme-{team}-curated/t{i}/"]',
    ]
    if mapping:
        lines += [
            "    sparkSubmitParameters:",
            f"      py-files: s3://acme-{team}-jobs/libs/common-{i % 7}.zip",
            f"      jars: [s3://acme-{team}-jobs/jars/a.jar, s3://acme-{team}-jobs/jars/b-{i % 5}.jar]",
            "      conf:",
            f"        spark.executor.memory: {rnd.choice(MEMORY)}",
            f'        spark.executor.cores: "{rnd.choice([1, 2, 4])}"',
            f'        spark.dynamicAllocation.maxExecutors: "{rnd.randint(4, 200)}"',
            "        spark.sql.adaptive.enabled: \"true\"",
            f"        spark.sql.shuffle.partitions: \"{rnd.choice([64, 200, 400])}\"",
        ]
    else:
        lines.append(f"    sparkSubmitParameters: --conf spark.executor.memory={rnd.choice(MEMORY)} "
                     f"--conf spark.executor.instances={rnd.randint(2, 20)} --conf spark.sql.adaptive.enabled=true")
    lines += [
        "retryPolicy:",
        f"  maxAttempts: {rnd.randint(1, 5)}",
        f"executionTimeoutMinutes: {rnd.choice([60, 120, 240, 720])}",
        "configurationOverrides:",
        "  applicationConfiguration:",
        "    - classification: spark-defaults",
        "      properties:",
        f'        spark.sql.shuffle.partitions: "{rnd.choice([64, 200, 400])}"',
        "        spark.hadoop.hive.metastore.client.factory.class: com.amazonaws.glue.catalog.metastore.AWSGlueDataCatalogHiveClientFactory",
        "  monitoringConfiguration:",
        "    cloudWatchLoggingConfiguration:",
        "      enabled: true",
        f"      logGroupName: /aws/emr-serverless/{team}",
        f"      logStreamNamePrefix: job-{i:05d}",
        "      logTypes:",
        "        SPARK_DRIVER: [stdout, stderr]",
        "        SPARK_EXECUTOR: [stderr]",
    ]
    if rnd.random() < 0.5:
        lines += [
            "executionIamPolicy:",
            "  policy:",
            '    Version: "2012-10-17"',
            "    Statement:",
            "      - Effect: Allow",
            "        Action: [s3:GetObject, s3:ListBucket]",
            f'        Resource: ["arn:aws:s3:::acme-{team}-raw", "arn:aws:s3:::acme-{team}-raw/*"]',
            "      - Effect: Allow",
            "        Action: s3:PutObject",
            f"        Resource: arn:aws:s3:::acme-{team}-curated/t{i}/*",
        ]
    lines += ["tags:", f"  team: {team}", f"  job: spark-{i:05d}"]
    if rnd.random() < 0.3:
        lines += ["stacks:", "  prod:", f"    executionTimeoutMinutes: {rnd.choice([240, 480])}",
                  "    tags: {tier: critical}"]
    if rnd.random() < 0.2:
        lines.append(f"rerun: {rnd.randint(1, 9)}")
    return "\n".join(lines) + "\n"


def hive_spec(i: int, rnd: random.Random, team: str) -> str:
    lines = [
        f"# {team}: Hive report {i}.",
        f"name: {team}-hive-{i:05d}",
        "jobDriver:",
        "  hive:",
        "    query: |",
        f"      INSERT OVERWRITE TABLE {team}.report_{i} PARTITION (ds = '${{hivevar:run_date}}')",
        "      SELECT customer_id, count(*) AS orders, sum(total) AS revenue",
        f"      FROM {team}.orders_{i % 13}",
        "      WHERE ds = '${hivevar:run_date}'",
        "      GROUP BY customer_id",
        f"    initQueryFile: s3://acme-{team}-jobs/hive/init_{i % 3}.sql",
        "    parameters: --hiveconf hive.exec.dynamic.partition=true --hivevar run_date=2024-01-01",
        f"executionTimeoutMinutes: {rnd.choice([30, 60, 90])}",
        "configurationOverrides:",
        "  applicationConfiguration:",
        "    - classification: hive-site",
        "      properties:",
        "        hive.exec.dynamic.partition.mode: nonstrict",
        f'        hive.exec.max.dynamic.partitions: "{rnd.randint(100, 5000)}"',
        "        hive.metastore.client.factory.class: com.amazonaws.glue.catalog.metastore.AWSGlueDataCatalogHiveClientFactory",
        "    - classification: spark-defaults",
        "      properties:",
        f"        spark.executor.memory: {rnd.choice(MEMORY)}",
        "  monitoringConfiguration:",
        "    s3MonitoringConfiguration:",
        f"      logUri: s3://acme-logs/hive/{team}/",
        "    managedPersistenceMonitoringConfiguration:",
        "      enabled: true",
        "retryPolicy:",
        f"  maxAttempts: {rnd.randint(1, 3)}",
        "executionIamPolicy:",
        "  policyArns:",
        "    - arn:aws:iam::123456789012:policy/glue-catalog-read",
        f"    - arn:aws:iam::123456789012:policy/{team}-reports-write",
        "tags:",
        f"  team: {team}",
        f"  report: r{i:05d}",
        "  schedule: daily",
        "deploy:",
        "  wait: {until: TERMINAL, timeoutSeconds: 3600}",
    ]
    if rnd.random() < 0.3:
        lines += ["stacks:", "  dev:", "    executionTimeoutMinutes: 15"]
    return "\n".join(lines) + "\n"


def streaming_spec(i: int, rnd: random.Random, team: str) -> str:
    lines = [
        f"# {team}: always-on stream {i}; restarts on failure.",
        f"name: {team}-stream-{i:05d}",
        "mode: STREAMING",
        "jobDriver:",
        "  sparkSubmit:",
        f"    entryPoint: s3://acme-{team}-jobs/streaming/stream_{i:05d}.py",
        f'    entryPointArguments: ["--topic", "{team}-events-{i % 11}", "--group", "g{i}"]',
        "    sparkSubmitParameters:",
        "      conf:",
        f"        spark.executor.memory: {rnd.choice(MEMORY)}",
        f"        spark.sql.streaming.checkpointLocation: s3://acme-checkpoints/{team}/{i}/",
        "        spark.streaming.backpressure.enabled: \"true\"",
        f'        spark.executor.instances: "{rnd.randint(2, 12)}"',
        "retryPolicy:",
        f"  maxFailedAttemptsPerHour: {rnd.randint(1, 10)}",
        "executionTimeoutMinutes: 0",
        "configurationOverrides:",
        "  monitoringConfiguration:",
        "    cloudWatchLoggingConfiguration:",
        "      enabled: true",
        f"      logGroupName: /aws/emr-serverless/streaming/{team}",
        "      logTypes:",
        "        SPARK_DRIVER: [stdout, stderr]",
        "        SPARK_EXECUTOR: [stdout, stderr]",
        "    prometheusMonitoringConfiguration:",
        "      remoteWriteUrl: https://aps-workspaces.us-east-1.amazonaws.com/workspaces/ws-0123/api/v1/remote_write",
        "  diskEncryptionConfiguration:",
        "    encryptionKeyArn: arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab",
        f"    encryptionContext: {{team: {team}}}",
        "deploy:",
        "  stopBeforeStart: true",
        "  wait: {until: RUNNING, timeoutSeconds: 900}",
        "tags:",
        f"  team: {team}",
        f"  stream: s{i:05d}",
        "  tier: always-on",
        "stacks:",
        "  prod:",
        "    retryPolicy: {maxFailedAttemptsPerHour: 20}",
    ]
    return "\n".join(lines) + "\n"


KINDS = ((spark_spec, 0.6), (hive_spec, 0.25), (streaming_spec, 0.15))


def generate(root: Path, n: int, seed: int = 7) -> list[Path]:
    """n spec files under root/<team>/, one _defaults.yaml at the top; returns the spec paths."""
    rnd = random.Random(seed)
    (root / ".git").mkdir(parents=True, exist_ok=True)  # the repository's top: defaults search stops here
    (root / "_defaults.yaml").write_text(DEFAULTS, encoding="utf-8")
    paths = []
    kinds, weights = zip(*KINDS)
    for i in range(n):
        team = TEAMS[i % len(TEAMS)]
        make = rnd.choices(kinds, weights)[0]
        path = root / team / f"{make.__name__.split('_')[0]}-{i:05d}.yaml"
        path.parent.mkdir(exist_ok=True)
        path.write_text(make(i, rnd, team), encoding="utf-8")
        paths.append(path)
    return paths
