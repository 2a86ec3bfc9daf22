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
{{- $suffix := ternary .Values.gpu.imageTagSuffix "" .Values.gpu.enabled }}
{{- $tag := .Values.image.tag | default (printf "%s%s" .Chart.AppVersion $suffix) }}
{{- printf "%s:%s" .Values.image.repository $tag }}
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
