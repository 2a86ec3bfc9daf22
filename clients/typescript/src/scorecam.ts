// What a web frontend does with the client generated from openapi.yaml (typescript-fetch):
// only fetch, Blob and atob, which every browser has (and Node.js 18 and later).
import {
    Configuration,
    DetectionsApi,
    ExplanationsApi,
    JobsApi,
    JobView,
    ModelsApi,
    ProblemDetail,
    ProblemDetailFromJSON,
    ResponseError,
    SaliencyData,
} from '../generated';

export const MODEL = 'fashion-cnn';

export interface Scorecam {
    models: ModelsApi;
    detections: DetectionsApi;
    explanations: ExplanationsApi;
    jobs: JobsApi;
}

/** The APIs of one server; the key goes out as X-API-Key on every call. */
export function scorecam(basePath: string, apiKey?: string): Scorecam {
    const configuration = new Configuration({ basePath, apiKey });
    return {
        models: new ModelsApi(configuration),
        detections: new DetectionsApi(configuration),
        explanations: new ExplanationsApi(configuration),
        jobs: new JobsApi(configuration),
    };
}

/** A map as numbers: JSON carries it as base64 of little-endian float32, row by row. */
export function saliencyValues(saliency: SaliencyData): Float32Array {
    const bytes = Uint8Array.from(atob(saliency.data!), c => c.charCodeAt(0));
    const view = new DataView(bytes.buffer);
    const values = new Float32Array(bytes.length / 4);
    for (let i = 0; i < values.length; i++) {
        values[i] = view.getFloat32(4 * i, true);
    }
    return values;
}

/** The heatmap over the image, as a PNG (an <img>'s URL.createObjectURL), and the class it shows. */
export async function heatmapPng(api: Scorecam, image: Blob): Promise<{ png: Blob; target: string | null }> {
    const response = await api.explanations.explainRaw({ model: MODEL, image },
        async ({ init }) => ({ headers: { ...init.headers, Accept: 'image/png' } }));
    return { png: await response.raw.blob(), target: response.raw.headers.get('Scorecam-Target') };
}

/** Submits a job and polls it until it has ended: a page would show job.progress meanwhile. */
export async function followJob(api: Scorecam, image: Blob, target: string,
                                onChange: (job: JobView) => void = () => {}): Promise<JobView> {
    let job = await api.jobs.submitJob({ model: MODEL, image, target: [target] });
    onChange(job);
    while (job.status === 'QUEUED' || job.status === 'RUNNING') {
        await new Promise(resolve => setTimeout(resolve, 200));
        const next = await api.jobs.getJob({ id: job.id! });
        if (next.status !== job.status) {
            onChange(next);
        }
        job = next;
    }
    return job;
}

/** A failed call as the problem the server answered with, typed; other failures pass through. */
export async function problemOf(error: unknown): Promise<ProblemDetail> {
    if (error instanceof ResponseError) {
        return ProblemDetailFromJSON(await error.response.json());
    }
    throw error;
}
