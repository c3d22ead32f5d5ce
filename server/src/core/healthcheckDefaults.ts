/**
 * Healthcheck timings, in one place: Docker's own defaults (what a check that does not say gets) and the timing of
 * the healthchecks we write (the healthcheck-missing fix, the "New Inference Stack…" template).
 */

/**
 * Docker Engine defaults in seconds, for any field neither the service nor the image sets (moby daemon/health.go;
 * dockerfile-healthcheck.json): the same for a Compose `healthcheck:` and a Dockerfile `HEALTHCHECK`.
 */
export const DOCKER_HEALTHCHECK_DEFAULTS = { interval: 30, timeout: 30, startPeriod: 0, startInterval: 5, retries: 3 } as const;

/** The timing of the endpoint healthchecks we write; their start period comes from the cold-start estimate. */
export const WRITTEN_HEALTHCHECK_TIMING = { interval: '30s', timeout: '10s', retries: 3 } as const;
