// The TypeScript program of docs/clients.md, run by CI against the packaged jar:
//   node dist/src/scorecam-demo.js BASE_URL API_KEY IMAGE
// Node.js stands in for the browser here only to read the image file; the rest is ./scorecam.
import { readFileSync } from 'node:fs';
import { MODEL, followJob, heatmapPng, problemOf, saliencyValues, scorecam } from './scorecam';

function check(condition: boolean, message: string): void {
    if (!condition) {
        throw new Error('FAILED: ' + message);
    }
}

async function main(baseUrl: string, apiKey: string, imagePath: string): Promise<void> {
    const image = new Blob([readFileSync(imagePath)], { type: 'image/png' });
    const api = scorecam(baseUrl, apiKey);

    const models = await api.models.listModels();
    console.log('models:', models.map(m => m.name).join(', '));

    const { png, target } = await heatmapPng(api, image);
    const signature = new Uint8Array(await png.slice(0, 8).arrayBuffer());
    check(signature.join() === '137,80,78,71,13,10,26,10', 'the PNG answer is not a PNG');
    console.log(`png: ${png.size} bytes, type ${png.type}, target ${target}`);

    const answer = await api.explanations.explain({ model: MODEL, image });
    const top = answer.predictions![0];
    const saliency = answer.explanations![0].saliency!;
    const values = saliencyValues(saliency);
    check(values.length === saliency.width! * saliency.height!, 'the map has not width x height values');
    const peak = values.indexOf(Math.max(...values));
    console.log(`json: ${top.label} p=${top.probability!.toFixed(4)}, map ${saliency.height}x${saliency.width}, `
        + `largest ${values[peak].toFixed(3)} at row ${Math.floor(peak / saliency.width!)}, column ${peak % saliency.width!}`);

    const states: string[] = [];
    const job = await followJob(api, image, 'Bag', j => states.push(j.status!));
    check(job.status === 'SUCCEEDED', `job ${job.id} ended ${job.status}`);
    const result = await api.jobs.getJobResult({ id: job.id! });
    console.log(`job: ${states.join(' -> ')}, target ${result.explanations![0].target!.label}, `
        + `${saliencyValues(result.explanations![0].saliency!).length} values`);

    const detector = models.find(m => m.task === 'detection')?.name;
    check(detector !== undefined, 'no detector is served');
    const found = await api.detections.detect({ model: detector!, image });
    check(found.detections!.length > 0, 'the detector found nothing');
    const best = found.detections![0];
    const explained = await api.explanations.explain({ model: detector!, image, detection: 0 });
    check(explained.explanations![0].detection!.index === 0, 'detection 0 explained another box');
    console.log(`detections: ${found.detections!.length} in ${found.width}x${found.height}, best ${best.label} `
        + `${best.score!.toFixed(2)} at ${best.box!.x0},${best.box!.y0},${best.box!.x1},${best.box!.y1}, explained`);

    try {
        await api.explanations.explain({ model: MODEL, image, target: ['Giraffe'] });
        check(false, 'an unknown target was accepted');
    } catch (error) {
        const problem = await problemOf(error);
        check(problem.type === '/problems/unknown-target', `unexpected problem ${problem.type}`);
        console.log(`problem: ${problem.status} ${problem.type} (${problem.title}): ${problem.detail}`);
    }

    try {
        await scorecam(baseUrl).models.listModels();
        check(false, 'the server answered without an API key');
    } catch (error) {
        const problem = await problemOf(error);
        check(problem.type === '/problems/unauthenticated', `unexpected problem ${problem.type}`);
        console.log(`without the key: ${problem.status} ${problem.type}`);
    }
}

const [baseUrl, apiKey, imagePath] = process.argv.slice(2);
if (!imagePath) {
    console.error('usage: node dist/src/scorecam-demo.js BASE_URL API_KEY IMAGE');
    process.exit(2);
}
main(baseUrl, apiKey, imagePath).catch(error => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
});
