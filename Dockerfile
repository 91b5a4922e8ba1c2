# kefu in a small image: a static Go binary on distroless.
#
#   docker build -t kefu .
#   docker run -p 8080:8080 -v kefu-data:/data kefu
#
# docker-compose.yml runs it with MongoDB and NATS.

FROM golang:1.26 AS build
WORKDIR /src
# Modules first, so that a code change does not download them again.
COPY go.mod go.sum ./
RUN go mod download
COPY . .
# The embedded SQLite driver is pure Go, so no cgo. The data dir is made
# here because the runtime image has no shell to make it.
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /kefu ./cmd/kefu \
 && mkdir -p /out/data

# static-debian12 has CA certificates, tzdata and a nonroot user (65532)
# and nothing else: no shell, no package manager.
FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /kefu /kefu
COPY --from=build --chown=65532:65532 /out/data /data
USER 65532:65532
ENV KEFU_ADDR=:8080 \
    KEFU_DATA_DIR=/data
VOLUME ["/data"]
EXPOSE 8080
# No HEALTHCHECK: the image has no shell or curl to run one. Orchestrators
# should probe GET /healthz (alive) and GET /readyz (database reachable).
ENTRYPOINT ["/kefu"]
