{{/* Chart name, truncated to the 63 characters Kubernetes allows in names. */}}
{{- define "scorecam-server.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Fully qualified app name: release name, plus the chart name unless it already holds it. */}}
{{- define "scorecam-server.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{- define "scorecam-server.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "scorecam-server.labels" -}}
helm.sh/chart: {{ include "scorecam-server.chart" . }}
{{ include "scorecam-server.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end }}

{{- define "scorecam-server.selectorLabels" -}}
app.kubernetes.io/name: {{ include "scorecam-server.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "scorecam-server.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "scorecam-server.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{/* The server image: appVersion by default, the GPU variant's tag when gpu.enabled. */}}
{{- define "scorecam-server.image" -}}
{{- include "scorecam-server.imageFor" (dict "root" . "gpu" .Values.gpu.enabled) }}
{{- end }}

{{/* The server image for a pod that does (gpu true) or does not use the GPU. */}}
{{- define "scorecam-server.imageFor" -}}
{{- $values := .root.Values }}
{{- $suffix := ternary $values.gpu.imageTagSuffix "" .gpu }}
{{- $tag := $values.image.tag | default (printf "%s%s" .root.Chart.AppVersion $suffix) }}
{{- printf "%s:%s" $values.image.repository $tag }}
{{- end }}

{{/* Whether model packages come from a volume (a PVC, or an image copied by an init container). */}}
{{- define "scorecam-server.hasModels" -}}
{{- if or .Values.models.existingClaim .Values.models.image.repository }}true{{- end }}
{{- end }}

{{/* scorecam.device: cpu, or one entry per GPU of the pod. */}}
{{- define "scorecam-server.device" -}}
{{- if .Values.gpu.enabled }}
{{- if eq (int .Values.gpu.count) 1 }}gpu{{- else }}
{{- $devices := list }}
{{- range $i := until (int .Values.gpu.count) }}
{{- $devices = append $devices (printf "gpu:%d" $i) }}
{{- end }}
{{- join "," $devices }}
{{- end }}
{{- else }}cpu{{- end }}
{{- end }}

{{/* The smallest number of replicas this release runs. */}}
{{- define "scorecam-server.minReplicas" -}}
{{- if .Values.autoscaling.enabled }}{{ .Values.autoscaling.minReplicas }}{{ else }}{{ .Values.replicaCount }}{{ end }}
{{- end }}

{{/* Whether jobs live in Redis, served by separate api and worker Deployments. */}}
{{- define "scorecam-server.scaled" -}}
{{- if eq .Values.queue.backend "redis" }}true{{- end }}
{{- end }}

{{/* The name of a role's objects, (dict "root" $ "role" ...): the release's name, plus the role. */}}
{{- define "scorecam-server.roleName" -}}
{{- $fullname := include "scorecam-server.fullname" .root }}
{{- if .role }}{{ printf "%s-%s" ($fullname | trunc (int (sub 62 (len .role)))) .role }}{{ else }}{{ $fullname }}{{ end }}
{{- end }}

{{/* Selector labels of a role's pods: the release's, plus app.kubernetes.io/component when it has a role. */}}
{{- define "scorecam-server.roleSelectorLabels" -}}
{{ include "scorecam-server.selectorLabels" .root }}
{{- with .role }}
app.kubernetes.io/component: {{ . }}
{{- end }}
{{- end }}

{{- define "scorecam-server.roleLabels" -}}
{{ include "scorecam-server.labels" .root }}
{{- with .role }}
app.kubernetes.io/component: {{ . }}
{{- end }}
{{- end }}

{{/* The smallest number of pods of a role: "" (the one Deployment), api or worker. */}}
{{- define "scorecam-server.roleMinReplicas" -}}
{{- $values := .root.Values }}
{{- if eq .role "worker" }}
{{- if $values.keda.enabled }}{{ $values.keda.minReplicaCount }}{{ else }}{{ $values.worker.replicaCount }}{{ end }}
{{- else if $values.autoscaling.enabled }}{{ $values.autoscaling.minReplicas }}
{{- else if eq .role "api" }}{{ $values.api.replicaCount }}
{{- else }}{{ $values.replicaCount }}{{ end }}
{{- end }}

{{/* The roles this release deploys: "" alone with queue.backend=memory, api and worker with redis. */}}
{{- define "scorecam-server.roles" -}}
{{- if include "scorecam-server.scaled" . }}["api","worker"]{{ else }}[""]{{ end }}
{{- end }}

{{/*
Where Redis is, as JSON {host, port, tls, database}: the in-chart one, or redis.url taken apart
(Spring ignores spring.data.redis.password once a URL is set, and KEDA wants host:port).
*/}}
{{- define "scorecam-server.redisEndpoint" -}}
{{- if .Values.redis.enabled }}
{{- dict "host" (include "scorecam-server.roleName" (dict "root" . "role" "redis")) "port" "6379" "tls" false "database" "0" | toJson }}
{{- else }}
{{- $url := urlParse .Values.redis.url }}
{{- if not (has $url.scheme (list "redis" "rediss")) }}
{{- fail (printf "redis.url must be redis://host:port or rediss://host:port, not %q" .Values.redis.url) }}
{{- end }}
{{- if $url.userinfo }}
{{- fail "redis.url must not hold credentials: put the password in a Secret named by redis.existingSecret" }}
{{- end }}
{{- $hostPort := regexSplit ":" $url.host -1 }}
{{- $database := trimPrefix "/" $url.path | default "0" }}
{{- if not (regexMatch "^[0-9]+$" $database) }}
{{- fail (printf "redis.url: the path must be a database number, not %q" $url.path) }}
{{- end }}
{{- dict "host" (first $hostPort) "port" (ternary (last $hostPort) "6379" (eq (len $hostPort) 2)) "tls" (eq $url.scheme "rediss") "database" $database | toJson }}
{{- end }}
{{- end }}

{{/* Environment of api and worker pods, (dict "root" $ "role" ...): backend, role and the Redis connection. */}}
{{- define "scorecam-server.redisEnv" -}}
{{- $values := .root.Values }}
{{- $redis := include "scorecam-server.redisEndpoint" .root | fromJson -}}
- name: SCORECAM_QUEUE_BACKEND
  value: redis
- name: SCORECAM_ROLE
  value: {{ .role }}
{{- if and (eq .role "api") $values.gpu.enabled }}
# The api pods run no model and have no GPU: the ConfigMap's scorecam.device is the workers'.
- name: SCORECAM_DEVICE
  value: cpu
{{- end }}
- name: SCORECAM_REDIS_KEY_PREFIX
  value: {{ $values.redis.keyPrefix | quote }}
- name: SPRING_DATA_REDIS_HOST
  value: {{ $redis.host | quote }}
- name: SPRING_DATA_REDIS_PORT
  value: {{ $redis.port | quote }}
- name: SPRING_DATA_REDIS_DATABASE
  value: {{ $redis.database | quote }}
{{- if $redis.tls }}
- name: SPRING_DATA_REDIS_SSL_ENABLED
  value: "true"
{{- end }}
{{- with $values.redis.existingSecret }}
- name: SPRING_DATA_REDIS_PASSWORD
  valueFrom:
    secretKeyRef:
      name: {{ . }}
      key: {{ $values.redis.existingSecretPasswordKey }}
{{- end }}
{{- end }}

{{/* A model's job stream as the server names it (jobs/redis/RedisKeys), (dict "root" $ "model" ...). */}}
{{- define "scorecam-server.stream" -}}
{{ printf "%s:queue:%s" .root.Values.redis.keyPrefix .model }}
{{- end }}

{{/* Settings that cannot work together, refused before anything is applied. */}}
{{- define "scorecam-server.validate" -}}
{{- if include "scorecam-server.scaled" . }}
{{- if and .Values.redis.enabled .Values.redis.url }}
{{- fail "set redis.url (an existing Redis) or redis.enabled (one in this chart), not both" }}
{{- end }}
{{- if not (or .Values.redis.enabled .Values.redis.url) }}
{{- fail "queue.backend=redis needs redis.url (an existing Redis) or redis.enabled=true (one in this chart, for trials)" }}
{{- end }}
{{- if .Values.autoscaling.queueSize.enabled }}
{{- fail "autoscaling.queueSize is for queue.backend=memory; with redis, scale the workers on their streams with keda.enabled" }}
{{- end }}
{{- else }}
{{- if .Values.redis.enabled }}
{{- fail "redis.enabled starts a Redis for queue.backend=redis; set queue.backend=redis too" }}
{{- end }}
{{- if .Values.keda.enabled }}
{{- fail "keda.enabled scales workers of queue.backend=redis; with memory use autoscaling" }}
{{- end }}
{{- end }}
{{- end }}

{{/* Scraped series get a role label (api, worker), as in the compose stack: the scaled dashboard counts pods by it. */}}
{{- define "scorecam-server.roleRelabeling" -}}
relabelings:
  - sourceLabels: [__meta_kubernetes_pod_label_app_kubernetes_io_component]
    targetLabel: role
{{- end }}

{{/*
The Secret that holds the API keys (key `api-keys`, lines name:sha256hex) in mode api-key: the
existing one named, else the chart's own when security.apiKeys has entries; empty otherwise.
*/}}
{{- define "scorecam-server.apiKeysSecret" -}}
{{- if eq .Values.security.mode "api-key" -}}
{{- if .Values.security.existingSecret -}}
{{- .Values.security.existingSecret -}}
{{- else if .Values.security.apiKeys -}}
{{- printf "%s-api-keys" (include "scorecam-server.fullname" .) -}}
{{- end -}}
{{- end -}}
{{- end }}
