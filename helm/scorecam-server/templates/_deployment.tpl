{{/*
The server's Deployment for one role: "" (queue.backend=memory: the one Deployment, as it always
was), "api" or "worker" (queue.backend=redis). Called with (dict "root" $ "role" ...).
*/}}
{{- define "scorecam-server.deployment" -}}
{{- $root := .root }}
{{- $role := .role }}
{{- $values := $root.Values }}
{{- /* Workers, and the single memory-backed Deployment, run the models: they get the GPU. */}}
{{- $gpu := and $values.gpu.enabled (ne $role "api") }}
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ include "scorecam-server.roleName" . }}
  labels:
    {{- include "scorecam-server.roleLabels" . | nindent 4 }}
spec:
  {{- if eq $role "worker" }}
  {{- if not $values.keda.enabled }}
  replicas: {{ $values.worker.replicaCount }}
  {{- end }}
  {{- else if not $values.autoscaling.enabled }}
  replicas: {{ ternary $values.api.replicaCount $values.replicaCount (eq $role "api") }}
  {{- end }}
  selector:
    matchLabels:
      {{- include "scorecam-server.roleSelectorLabels" . | nindent 6 }}
  template:
    metadata:
      annotations:
        checksum/config: {{ include (print $root.Template.BasePath "/configmap.yaml") $root | sha256sum }}
        {{- with $values.podAnnotations }}
        {{- toYaml . | nindent 8 }}
        {{- end }}
      labels:
        {{- include "scorecam-server.roleLabels" . | nindent 8 }}
        {{- with $values.podLabels }}
        {{- toYaml . | nindent 8 }}
        {{- end }}
    spec:
      {{- with $values.imagePullSecrets }}
      imagePullSecrets:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      serviceAccountName: {{ include "scorecam-server.serviceAccountName" $root }}
      automountServiceAccountToken: {{ $values.serviceAccount.automount }}
      securityContext:
        {{- toYaml $values.podSecurityContext | nindent 8 }}
      {{- if and $gpu $values.gpu.runtimeClassName }}
      runtimeClassName: {{ $values.gpu.runtimeClassName }}
      {{- end }}
      {{- with $values.priorityClassName }}
      priorityClassName: {{ . }}
      {{- end }}
      terminationGracePeriodSeconds: {{ $values.terminationGracePeriodSeconds }}
      {{- if and $values.models.image.repository (not $values.models.existingClaim) }}
      initContainers:
        - name: copy-models
          image: "{{ $values.models.image.repository }}:{{ required "models.image.tag is required with models.image.repository" $values.models.image.tag }}"
          imagePullPolicy: {{ $values.models.image.pullPolicy }}
          command: ["sh", "-c", "cp -R {{ $values.models.image.path }}/. /target/"]
          securityContext:
            {{- toYaml $values.securityContext | nindent 12 }}
          volumeMounts:
            - name: models
              mountPath: /target
      {{- end }}
      containers:
        - name: {{ $root.Chart.Name }}
          image: {{ include "scorecam-server.imageFor" (dict "root" $root "gpu" $gpu) | quote }}
          imagePullPolicy: {{ $values.image.pullPolicy }}
          securityContext:
            {{- toYaml $values.securityContext | nindent 12 }}
          ports:
            - name: http
              containerPort: 8080
              protocol: TCP
            - name: management
              containerPort: {{ $values.service.managementPort }}
              protocol: TCP
          env:
            - name: MANAGEMENT_SERVER_PORT
              value: {{ $values.service.managementPort | quote }}
            - name: SCORECAM_SECURITY_MODE
              value: {{ $values.security.mode | quote }}
            {{- if include "scorecam-server.apiKeysSecret" $root }}
            - name: SCORECAM_SECURITY_API_KEYS_FILE
              value: /etc/scorecam-keys/api-keys
            {{- end }}
            - name: SCORECAM_SECURITY_LIMITS_REQUESTS
              value: {{ $values.security.limits.requests | quote }}
            - name: SCORECAM_SECURITY_LIMITS_PER
              value: {{ $values.security.limits.per | quote }}
            - name: SCORECAM_SECURITY_LIMITS_CONCURRENT_JOBS
              value: {{ $values.security.limits.concurrentJobs | quote }}
            - name: SPRING_CONFIG_ADDITIONAL_LOCATION
              value: file:/etc/scorecam/application.yaml
            - name: JAVA_TOOL_OPTIONS
              value: {{ printf "-XX:MaxRAMPercentage=%v %s" $values.jvm.maxRamPercentage $values.jvm.extraOptions | trim | quote }}
            {{- if $role }}
            {{- include "scorecam-server.redisEnv" . | nindent 12 }}
            {{- end }}
            {{- with $values.env }}
            {{- toYaml . | nindent 12 }}
            {{- end }}
          {{- with (eq $role "api" | ternary $values.api.startupProbe $values.startupProbe) }}
          startupProbe:
            {{- toYaml . | nindent 12 }}
          {{- end }}
          {{- with $values.livenessProbe }}
          livenessProbe:
            {{- toYaml . | nindent 12 }}
          {{- end }}
          {{- with $values.readinessProbe }}
          readinessProbe:
            {{- toYaml . | nindent 12 }}
          {{- end }}
          resources:
            {{- $resources := deepCopy (eq $role "api" | ternary $values.api.resources $values.resources) }}
            {{- if $gpu }}
            {{- $limits := get $resources "limits" | default dict }}
            {{- $_ := set $limits $values.gpu.resourceName (int $values.gpu.count) }}
            {{- $_ := set $resources "limits" $limits }}
            {{- end }}
            {{- toYaml $resources | nindent 12 }}
          volumeMounts:
            - name: tmp
              mountPath: /tmp
            - name: config
              mountPath: /etc/scorecam
              readOnly: true
            {{- if include "scorecam-server.apiKeysSecret" $root }}
            - name: api-keys
              mountPath: /etc/scorecam-keys
              readOnly: true
            {{- end }}
            {{- if include "scorecam-server.hasModels" $root }}
            - name: models
              mountPath: {{ $values.models.mountPath }}
              readOnly: true
              {{- with $values.models.subPath }}
              subPath: {{ . }}
              {{- end }}
            {{- end }}
            {{- with $values.extraVolumeMounts }}
            {{- toYaml . | nindent 12 }}
            {{- end }}
      volumes:
        - name: tmp
          emptyDir:
            {{- with $values.tmp.medium }}
            medium: {{ . }}
            {{- end }}
            sizeLimit: {{ $values.tmp.sizeLimit }}
        - name: config
          configMap:
            name: {{ include "scorecam-server.fullname" $root }}
        {{- with include "scorecam-server.apiKeysSecret" $root }}
        - name: api-keys
          secret:
            secretName: {{ . }}
        {{- end }}
        {{- if $values.models.existingClaim }}
        - name: models
          persistentVolumeClaim:
            claimName: {{ $values.models.existingClaim }}
            readOnly: true
        {{- else if $values.models.image.repository }}
        - name: models
          emptyDir:
            sizeLimit: {{ $values.models.sizeLimit }}
        {{- end }}
        {{- with $values.extraVolumes }}
        {{- toYaml . | nindent 8 }}
        {{- end }}
      {{- $nodeSelector := deepCopy $values.nodeSelector }}
      {{- $tolerations := $values.tolerations }}
      {{- if $gpu }}
      {{- $nodeSelector = mustMergeOverwrite $nodeSelector (deepCopy $values.gpu.nodeSelector) }}
      {{- $tolerations = concat $tolerations $values.gpu.tolerations }}
      {{- end }}
      {{- with $nodeSelector }}
      nodeSelector:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- with $values.affinity }}
      affinity:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- with $tolerations }}
      tolerations:
        {{- toYaml . | nindent 8 }}
      {{- end }}
{{- end }}
