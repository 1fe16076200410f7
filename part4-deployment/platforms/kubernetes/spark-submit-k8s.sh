#!/usr/bin/env bash
# spark-submit straight to a Kubernetes API server (no operator). The same settings as the operator
# manifests next to this file; KubernetesSubmissionTest runs this submission (its --conf lines, read
# from this file) against an in-process mock API server and checks the driver pod and config map.
set -euo pipefail
: "${K8S_API:?set K8S_API to the API server, e.g. https://my-cluster.example.com:443}"

spark-submit \
  --master "k8s://${K8S_API}" \
  --deploy-mode cluster \
  --name daily-revenue \
  --class dev.advancedspark.part4.app.DailyRevenueJob \
  --conf spark.kubernetes.namespace=data-jobs \
  --conf spark.kubernetes.container.image=registry.example.com/data/daily-revenue:1.0.0 \
  --conf spark.kubernetes.authenticate.driver.serviceAccountName=spark-driver \
  --conf spark.kubernetes.driver.podTemplateFile=driver-pod-template.yaml \
  --conf spark.kubernetes.executor.podTemplateFile=executor-pod-template.yaml \
  --conf spark.kubernetes.driver.label.team=data-platform \
  --conf spark.kubernetes.executor.label.team=data-platform \
  --conf spark.kubernetes.submission.waitAppCompletion=false \
  --conf spark.driver.cores=1 \
  --conf spark.driver.memory=2g \
  --conf spark.executor.cores=4 \
  --conf spark.executor.memory=4g \
  --conf spark.executor.memoryOverhead=1g \
  --conf spark.sql.shuffle.partitions=64 \
  --conf spark.dynamicAllocation.enabled=true \
  --conf spark.dynamicAllocation.shuffleTracking.enabled=true \
  --conf spark.dynamicAllocation.minExecutors=1 \
  --conf spark.dynamicAllocation.maxExecutors=10 \
  --conf spark.dynamicAllocation.executorIdleTimeout=60s \
  --conf spark.dynamicAllocation.shuffleTracking.timeout=30min \
  --conf spark.decommission.enabled=true \
  --conf spark.storage.decommission.enabled=true \
  --conf spark.storage.decommission.shuffleBlocks.enabled=true \
  --conf spark.storage.decommission.rddBlocks.enabled=true \
  local:///opt/spark/app/daily-revenue-app.jar \
  --input s3a://example-data/orders/2026-11-28/ \
  --output s3a://example-data/daily-revenue/2026-11-28/
