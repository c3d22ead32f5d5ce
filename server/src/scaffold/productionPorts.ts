// The host ports the production template publishes besides the gateway's. Each is bound to 127.0.0.1: they are the
// operator's consoles and the application's stores, not the public API (which is the gateway's port only).
// The container ports are each image's defaults: Grafana 3000, Prometheus 9090, the Jaeger UI 16686 (cmd/jaeger/
// Dockerfile EXPOSE), Weaviate REST 8080 and gRPC 50051 (its Dockerfile CMD and docs), Redis 6379.

export const PRODUCTION_HOST_PORTS = {
  Grafana: 3000,
  Prometheus: 9090,
  Jaeger: 16686,
  Weaviate: 8080,
  'Weaviate gRPC': 50051,
  Redis: 6379,
} as const satisfies Record<string, number>;
