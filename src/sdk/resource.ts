/**
 * The resource every signal shares: service identity from the config, plus what the
 * configured detectors find. Cloud detectors probe metadata addresses over the network,
 * so they are loaded and run only when the config lists them.
 */
import { pathToFileURL } from 'node:url';
import {
  type Resource,
  type ResourceDetector,
  detectResources,
  hostDetector,
  osDetector,
  processDetector,
  resourceFromAttributes,
} from '../otel/resources.cjs';
import type { ResolvedConfig, ResourceDetectorName } from '../config/types.js';
import { warn } from '../diagnostics.js';
import { missingOptional, resolveOptional } from '../optional-packages.js';
import { BEACON_VERSION } from '../version.js';

type DetectorLoader = () => Promise<ResourceDetector[]>;

const DETECTORS: Record<ResourceDetectorName, DetectorLoader> = {
  host: async () => [hostDetector],
  os: async () => [osDetector],
  process: async () => [processDetector],
  container: async () => [(await import('../otel/resource-detector-container.cjs')).containerDetector],
  aws: async () => {
    const aws = await import('../otel/resource-detector-aws.cjs');
    return [aws.awsEc2Detector, aws.awsEcsDetector, aws.awsEksDetector, aws.awsBeanstalkDetector, aws.awsLambdaDetector];
  },
  gcp: async () => {
    const gcp = resolveOptional('@opentelemetry/resource-detector-gcp', [process.cwd()]);
    if (gcp === null) {
      warn(missingOptional("service.detectors 'gcp'", '@opentelemetry/resource-detector-gcp', 'the resource has no GCP attributes'));
      return [];
    }
    return [((await import(pathToFileURL(gcp).href)) as typeof import('@opentelemetry/resource-detector-gcp')).gcpDetector];
  },
  azure: async () => {
    const azure = await import('../otel/resource-detector-azure.cjs');
    return [azure.azureVmDetector, azure.azureAppServiceDetector, azure.azureFunctionsDetector, azure.azureAksDetector, azure.azureContainerAppsDetector];
  },
  alibaba: async () => [(await import('../otel/resource-detector-alibaba-cloud.cjs')).alibabaCloudEcsDetector],
};

export async function buildResource(service: ResolvedConfig['service']): Promise<Resource> {
  const detectors = (await Promise.all(service.detectors.map((name) => DETECTORS[name]()))).flat();
  const detected = detectResources({ detectors });
  // Explicit identity wins over anything detected.
  return detected.merge(
    resourceFromAttributes({
      ...service.attributes,
      'service.name': service.name,
      ...(service.version === null ? {} : { 'service.version': service.version }),
      'deployment.environment.name': service.environment,
      'service.instance.id': serviceInstanceId,
      'telemetry.distro.name': 'beacon-otel',
      'telemetry.distro.version': BEACON_VERSION,
    }),
  );
}

const serviceInstanceId = crypto.randomUUID();
