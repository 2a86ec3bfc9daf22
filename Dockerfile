# scorecam-server container image.
#
#   CPU (default):  docker build -t scorecam-server:0.1.0 .
#                   docker run --rm -p 8080:8080 scorecam-server:0.1.0
#                   (the actuator listens on 8081: -p 8081:8081 to reach health and metrics)
#   GPU:            docker build --target gpu -t scorecam-server:0.1.0-gpu .
#                   docker run --rm --gpus all -p 8080:8080 scorecam-server:0.1.0-gpu
#
# Your own model packages: mount them read-only at /models (scorecam.model-dirs points there).
# Only classic Dockerfile syntax is used, so the legacy builder (and Testcontainers) builds it
# too. With the legacy builder pass --target: it builds every stage up to the one asked for,
# and the GPU stages come after the CPU image on purpose.

ARG JDK_IMAGE=eclipse-temurin:17-jdk-jammy
ARG JRE_IMAGE=eclipse-temurin:17-jre-jammy
# CUDA 12.8 to match DJL 0.36's cu128 JNI; libtorch brings its own cuDNN and cuBLAS.
ARG CUDA_IMAGE=nvidia/cuda:12.8.1-runtime-ubuntu22.04

# ---------------------------------------------------------------------------------------------
# Build the executable jar with the Maven wrapper. Dependencies sit in their own layer, so a
# change under src/ does not download them again.
FROM ${JDK_IMAGE} AS build
WORKDIR /src
COPY mvnw pom.xml ./
COPY .mvn/ .mvn/
RUN ./mvnw -B -ntp -q dependency:go-offline
COPY src/ src/
RUN ./mvnw -B -ntp package -DskipTests \
    && mv target/scorecam-server-*.jar /application.jar

# ---------------------------------------------------------------------------------------------
# Split the jar into Spring Boot's layers (dependencies, spring-boot-loader,
# snapshot-dependencies, application): the 100+ MB of dependencies change rarely.
FROM ${JDK_IMAGE} AS layers
WORKDIR /layers
COPY --from=build /application.jar application.jar
RUN java -Djarmode=tools -jar application.jar extract --layers --destination extracted \
    && mkdir -p extracted/dependencies extracted/spring-boot-loader \
                extracted/snapshot-dependencies extracted/application
COPY deploy/docker/PrefetchEngine.java /opt/PrefetchEngine.java

# ---------------------------------------------------------------------------------------------
# CPU natives: libtorch extracted from the pytorch-native-cpu jar now (~450 MB), not at every
# container start. Offline: nothing is downloaded. DJL extracts into a private (0700) folder as
# root: the runtime user (10001) must be able to read it, or DJL tries to extract again beside it
# and fails on the read-only root filesystem (tools/containers/smoke.sh runs it so).
FROM layers AS natives
ENV DJL_CACHE_DIR=/opt/scorecam/djl-cache \
    DJL_OFFLINE=true
RUN java -cp 'extracted/dependencies/lib/*' /opt/PrefetchEngine.java \
    && chmod -R a+rX,go-w /opt/scorecam/djl-cache

# ---------------------------------------------------------------------------------------------
# Runtime: a JRE, a non-root user, the layers from least to most often changed.
FROM ${JRE_IMAGE} AS cpu
RUN groupadd --system --gid 10001 scorecam \
    && useradd --system --uid 10001 --gid 10001 --home-dir /app --no-create-home \
               --shell /usr/sbin/nologin scorecam \
    && mkdir -p /models /app/config \
    && printf 'scorecam:\n  model-dirs: /models\n  device: cpu\n' > /app/config/application.yml
WORKDIR /app
COPY --from=layers /layers/extracted/dependencies/ ./
COPY --from=layers /layers/extracted/spring-boot-loader/ ./
COPY --from=layers /layers/extracted/snapshot-dependencies/ ./
COPY --from=layers /layers/extracted/application/ ./
# Read-only is fine: DJL finds libtorch and its JNI here and writes nothing.
COPY --from=natives /opt/scorecam/djl-cache/ /opt/scorecam/djl-cache/
ENV DJL_CACHE_DIR=/opt/scorecam/djl-cache \
    DJL_OFFLINE=true \
    JAVA_TOOL_OPTIONS="-XX:MaxRAMPercentage=50" \
    MANAGEMENT_SERVER_PORT=8081
USER 10001:10001
# 8080: the API (and the web page); 8081: the actuator (health probes, Prometheus), for the
# cluster and its monitoring only, never published to clients (docs/security.md).
EXPOSE 8080 8081
# libtorch's tensors live outside the Java heap: the heap gets half of the container's memory
# (JAVA_TOOL_OPTIONS, so that it can be changed; the chart sets it from jvm.maxRamPercentage).
# Settings: /app/config/application.yml holds the image's defaults; environment variables
# (SCORECAM_MODEL_DIRS, SCORECAM_DEVICE, ...) or SPRING_CONFIG_ADDITIONAL_LOCATION override them.
ENTRYPOINT ["java", "-XX:+ExitOnOutOfMemoryError", "-Dai.djl.offline=true", "-jar", "application.jar"]

# ---------------------------------------------------------------------------------------------
# GPU natives. No CUDA libtorch 2.7.1 is published to Maven Central, so DJL downloads the one
# its JNI (pytorch-jni 2.7.1-0.36.0, flavor cu128) was built for, here, at build time (network
# needed): with the CPU natives jar taken off the class path and PYTORCH_FLAVOR=cu128, DJL
# fetches libtorch 2.7.1+cu128 into DJL_CACHE_DIR/pytorch/2.7.1-cu128-linux-x86_64 and puts the
# cu128 JNI beside it. No GPU is needed for this step. To use a libtorch of your own instead
# (exactly 2.7.1, cxx11 ABI, CUDA 12.x), copy it into the image and set PYTORCH_LIBRARY_PATH
# to its lib/ folder, PYTORCH_VERSION=2.7.1 and PYTORCH_FLAVOR=cu128.
FROM layers AS natives-gpu
ENV DJL_CACHE_DIR=/opt/scorecam/djl-cache \
    PYTORCH_FLAVOR=cu128
RUN rm -f extracted/dependencies/lib/pytorch-native-cpu-*.jar \
    && java -cp 'extracted/dependencies/lib/*' /opt/PrefetchEngine.java \
    && chmod -R a+rX,go-w /opt/scorecam/djl-cache

FROM ${JRE_IMAGE} AS jre

FROM ${CUDA_IMAGE} AS gpu
ENV JAVA_HOME=/opt/java/openjdk
ENV PATH="${JAVA_HOME}/bin:${PATH}"
COPY --from=jre /opt/java/openjdk /opt/java/openjdk
RUN groupadd --system --gid 10001 scorecam \
    && useradd --system --uid 10001 --gid 10001 --home-dir /app --no-create-home \
               --shell /usr/sbin/nologin scorecam \
    && mkdir -p /models /app/config \
    && printf 'scorecam:\n  model-dirs: /models\n  device: gpu\n' > /app/config/application.yml
WORKDIR /app
COPY --from=natives-gpu /layers/extracted/dependencies/ ./
COPY --from=layers /layers/extracted/spring-boot-loader/ ./
COPY --from=layers /layers/extracted/snapshot-dependencies/ ./
COPY --from=layers /layers/extracted/application/ ./
COPY --from=natives-gpu /opt/scorecam/djl-cache/ /opt/scorecam/djl-cache/
ENV DJL_CACHE_DIR=/opt/scorecam/djl-cache \
    DJL_OFFLINE=true \
    PYTORCH_FLAVOR=cu128 \
    JAVA_TOOL_OPTIONS="-XX:MaxRAMPercentage=50" \
    NVIDIA_VISIBLE_DEVICES=all \
    NVIDIA_DRIVER_CAPABILITIES=compute,utility \
    MANAGEMENT_SERVER_PORT=8081
USER 10001:10001
EXPOSE 8080 8081
ENTRYPOINT ["java", "-XX:+ExitOnOutOfMemoryError", "-Dai.djl.offline=true", "-jar", "application.jar"]

# ---------------------------------------------------------------------------------------------
# Plain `docker build .` (BuildKit) gives the CPU image.
FROM cpu
