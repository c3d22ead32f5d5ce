// The pinned images of the services around the model servers (image-unpinned), and the program each one has for a
// healthcheck: a check that runs a program the image lacks never passes (healthcheck-probe-binary-missing).
// Read in each project's own Dockerfile (repository @ commit):
//  - nginx:1.27: Debian-based; installs curl (nginxinc/docker-nginx mainline/debian/Dockerfile @ 0215f8f).
//  - prom/prometheus:v3.0.1: on quay.io/prometheus/busybox, so busybox wget (prometheus/prometheus Dockerfile @ 0180c95).
//  - grafana/grafana:11.4.0: Alpine-based, `apk add ... curl` (grafana/grafana Dockerfile @ 78515af).
//  - jaegertracing/jaeger:2.1.0: Jaeger v2 on Alpine, so busybox wget (jaegertracing/jaeger cmd/jaeger/Dockerfile
//    @ 2e134eb, scripts/build/docker/base/Dockerfile @ 0983aad); UI on 16686, OTLP gRPC on 4317; since 2.1.0
//    JAEGER_LISTEN_HOST sets the address its receivers and UI listen on (localhost otherwise).
//  - cr.weaviate.io/semitechnologies/weaviate:1.28.4: on Alpine, busybox wget (weaviate/weaviate Dockerfile @ 01410ed).
//  - redis:7.4.2: redis-cli.
//  - nvcr.io/nvidia/k8s/dcgm-exporter:4.2.3-4.1.3-ubuntu22.04: the tag NVIDIA/dcgm-exporter's README runs (@ dcbb927);
//    Ubuntu with bash but neither curl nor wget (docker/Dockerfile.ubuntu22.04 @ 5121ded), so its check speaks HTTP
//    through bash; it answers GET /health with 200 (internal/pkg/server/server.go @ 00673ef).
//  - curlimages/curl:8.11.1: the one-shot Ollama pull job.

export const NGINX_IMAGE = 'nginx:1.27';
export const PROMETHEUS_IMAGE = 'prom/prometheus:v3.0.1';
export const GRAFANA_IMAGE = 'grafana/grafana:11.4.0';
export const JAEGER_IMAGE = 'jaegertracing/jaeger:2.1.0';
export const WEAVIATE_IMAGE = 'cr.weaviate.io/semitechnologies/weaviate:1.28.4';
export const REDIS_IMAGE = 'redis:7.4.2';
export const DCGM_EXPORTER_IMAGE = 'nvcr.io/nvidia/k8s/dcgm-exporter:4.2.3-4.1.3-ubuntu22.04';
export const CURL_IMAGE = 'curlimages/curl:8.11.1';

/** An HTTP GET that fails on a non-2xx status, with the program the image has. */
export function httpCheck(tool: 'curl' | 'wget', url: string): string[] {
  return tool === 'curl' ? ['CMD', 'curl', '-fsS', '-o', '/dev/null', url] : ['CMD', 'wget', '-q', '-O', '/dev/null', url];
}

/** bash's /dev/tcp: an HTTP/1.0 GET whose status line must say 200, for images with bash and no HTTP client. */
export function bashHttpCheck(port: number, path: string): string[] {
  const script = `exec 3<>/dev/tcp/127.0.0.1/${port} && printf 'GET ${path} HTTP/1.0\\r\\n\\r\\n' >&3 && head -n 1 <&3 | grep -q ' 200 '`;
  return ['CMD', 'bash', '-c', script];
}
