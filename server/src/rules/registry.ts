/** The explicit list of rules. Docs pages, settings and tests are checked against it. */
import type { Rule } from './rule';
import { rule as gpuReservationMissingRule } from './gpu-reservation-missing';
import { rule as gpuLegacyRuntimeRule } from './gpu-legacy-runtime';
import { rule as gpuCapabilitiesMissingRule } from './gpu-capabilities-missing';
import { rule as gpuCountAndDeviceIdsRule } from './gpu-count-and-device-ids';
import { rule as gpuCountBelowParallelismRule } from './gpu-count-below-parallelism';
import { rule as healthcheckMissingRule } from './healthcheck-missing';
import { rule as healthcheckStartPeriodShortRule } from './healthcheck-start-period-short';
import { rule as healthcheckTimingInvalidRule } from './healthcheck-timing-invalid';
import { rule as dependsOnUnhealthyModelRule } from './depends-on-unhealthy-model';
import { rule as envIgnoredByEngineRule } from './env-ignored-by-engine';
import { rule as envLegacyHfTokenRule } from './env-legacy-hf-token';
import { rule as secretLiteralRule } from './secret-literal';
import { rule as gpuMemoryUtilizationHighRule } from './gpu-memory-utilization-high';
import { rule as engineFlagUnknownRule } from './engine-flag-unknown';
import { rule as engineArgJoinedRule } from './engine-arg-joined';
import { rule as commandRepeatsEntrypointRule } from './command-repeats-entrypoint';
import { rule as engineDebugLoggingRule } from './engine-debug-logging';
import { rule as modelCacheNotMountedRule } from './model-cache-not-mounted';
import { rule as dockerfileModelWeightsBakedRule } from './dockerfile-model-weights-baked';
import { rule as dockerfileCudaBaseForInferenceRule } from './dockerfile-cuda-base-for-inference';
import { rule as dockerfileHealthcheckStartPeriodRule } from './dockerfile-healthcheck-start-period';
import { rule as resourceLimitsMissingRule } from './resource-limits-missing';
import { rule as resourceLimitsBelowReservationsRule } from './resource-limits-below-reservations';
import { rule as imageUnpinnedRule } from './image-unpinned';
import { rule as composeReferenceUndefinedRule } from './compose-reference-undefined';
import { rule as composeSchemaRule } from './compose-schema';
import { rule as composeInterpolationInvalidRule } from './compose-interpolation-invalid';
import { rule as dotenvInvalidRule } from './dotenv-invalid';
import { rule as envDuplicateKeyRule } from './env-duplicate-key';
import { rule as envValueQuotedRule } from './env-value-quoted';
import { rule as modelDoesNotFitRule } from './model-does-not-fit';
import { rule as kvCacheBelowMaxModelLenRule } from './kv-cache-below-max-model-len';
import { rule as healthcheckIgnoresStatusRule } from './healthcheck-ignores-status';
import { rule as healthcheckProbeBinaryMissingRule } from './healthcheck-probe-binary-missing';
import { rule as shmTooSmallRule } from './shm-too-small';
import { rule as gpuDeviceCountMissingRule } from './gpu-device-count-missing';
import { rule as gpuSelectedByEnvRule } from './gpu-selected-by-env';
import { rule as logRotationMissingRule } from './log-rotation-missing';
import { rule as engineConfigInvalidRule } from './engine-config-invalid';
import { rule as gpuOversubscribedRule } from './gpu-oversubscribed';
import { rule as gpuDeviceMissingRule } from './gpu-device-missing';

export const RULES: readonly Rule[] = [
  gpuReservationMissingRule,
  gpuLegacyRuntimeRule,
  gpuCapabilitiesMissingRule,
  gpuCountAndDeviceIdsRule,
  gpuCountBelowParallelismRule,
  healthcheckMissingRule,
  healthcheckStartPeriodShortRule,
  healthcheckTimingInvalidRule,
  dependsOnUnhealthyModelRule,
  envIgnoredByEngineRule,
  envLegacyHfTokenRule,
  secretLiteralRule,
  gpuMemoryUtilizationHighRule,
  engineFlagUnknownRule,
  engineArgJoinedRule,
  commandRepeatsEntrypointRule,
  engineDebugLoggingRule,
  modelCacheNotMountedRule,
  dockerfileModelWeightsBakedRule,
  dockerfileCudaBaseForInferenceRule,
  dockerfileHealthcheckStartPeriodRule,
  resourceLimitsMissingRule,
  resourceLimitsBelowReservationsRule,
  imageUnpinnedRule,
  composeReferenceUndefinedRule,
  composeSchemaRule,
  composeInterpolationInvalidRule,
  dotenvInvalidRule,
  envDuplicateKeyRule,
  envValueQuotedRule,
  modelDoesNotFitRule,
  kvCacheBelowMaxModelLenRule,
  healthcheckIgnoresStatusRule,
  healthcheckProbeBinaryMissingRule,
  shmTooSmallRule,
  gpuDeviceCountMissingRule,
  gpuSelectedByEnvRule,
  gpuOversubscribedRule,
  gpuDeviceMissingRule,
  logRotationMissingRule,
  engineConfigInvalidRule,
];

export const RULE_IDS: ReadonlySet<string> = new Set(RULES.map((r) => r.meta.id));
