# Names shared by the container scripts (sourced, not run).
DEBIAN_IMAGE=localhost/debian:bookworm
# The image's tag is the project's version without -SNAPSHOT, as in docker-compose.yml.
VERSION=$(sed -n 's|^  <version>\(.*\)</version>|\1|p' pom.xml | head -1)
SERVICE_IMAGE=${SERVICE_IMAGE:-localhost/scorecam-server:${VERSION%-SNAPSHOT}}
