package dev.scorecam.api;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import jakarta.servlet.http.HttpServletRequest;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.http.MediaType;
import org.springframework.util.unit.DataSize;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

import dev.scorecam.explain.Explainer;
import dev.scorecam.explain.PreparedRequest;
import dev.scorecam.explain.Rejection;
import dev.scorecam.problem.ProblemType;
import dev.scorecam.queue.ExplanationJobs;
import dev.scorecam.security.Clients;

/**
 * KServe's V1 protocol explain endpoint, for this service in an InferenceService's
 * {@code explainer} slot: the same checks and pipeline as the multipart endpoint, one job per
 * instance. The form's fields come from the body's {@code parameters}, else from the query.
 */
@RestController
class KServeController {

    static final String PATH = "/v1/models/{model}:explain";

    private final Explainer explainer;
    private final ExplanationJobs jobs;
    private final int maxInstances;
    private final long maxBodyBytes;

    /**
     * @param maxInstances the most targets a request may ask for: each instance is at least one
     * @param maxUpload the largest multipart upload; a JSON body may be that in base64 (4/3 of it)
     */
    KServeController(Explainer explainer, ExplanationJobs jobs,
            @Value("${scorecam.limits.max-targets}") int maxInstances,
            @Value("${spring.servlet.multipart.max-request-size:21MB}") DataSize maxUpload) {
        this.explainer = explainer;
        this.jobs = jobs;
        this.maxInstances = maxInstances;
        this.maxBodyBytes = maxUpload.toBytes() / 3 * 4 + 4;
    }

    /**
     * Checks and prepares every instance first (a bad one answers before anything is queued), then
     * explains them one after another, each as a synchronous request is. The body is JSON whatever
     * its Content-Type says: KServe's examples send it with {@code curl -d}, as a form.
     */
    @PostMapping(path = PATH, produces = MediaType.APPLICATION_JSON_VALUE)
    KServeExplanations explain(@PathVariable String model, HttpServletRequest http) throws IOException {
        KServeRequest body = KServeRequest.parse(read(http));
        if (body.instances().size() > maxInstances) {
            throw Rejection.TOO_MANY_TARGETS.because(body.instances().size() + " instances; at most " + maxInstances
                    + " per request, as each is explained on its own");
        }
        Set<String> unknown = new TreeSet<>(body.parameters().keySet());
        ExplanationForm.fields().forEach(field -> unknown.remove(field.name()));
        if (!unknown.isEmpty()) {
            throw Rejection.INVALID_PARAMETER.because("unknown parameters " + unknown + "; they are those of "
                    + "POST /v1/models/{model}/explanations, e.g. method, target, top-k, score");
        }
        ExplanationForm form = ExplanationForm.bind(name -> {
            String[] given = body.values(name);
            return given != null ? given : http.getParameterValues(name);
        });
        List<PreparedRequest> prepared = new ArrayList<>();
        for (KServeRequest.Instance instance : body.instances()) {
            ExplanationForm asked = instance.targets() == null ? form : form.withTargets(instance.targets());
            prepared.add(explainer.prepare(asked.request(model, instance.image(), asked.metrics(), false)));
        }
        List<KServeExplanations.InstanceExplanation> explanations = new ArrayList<>();
        for (int i = 0; i < prepared.size(); i++) {
            explanations.add(KServeExplanations.of(jobs.explain(prepared.get(i), Clients.current()),
                    body.instances().get(i).key()));
        }
        return new KServeExplanations(List.copyOf(explanations));
    }

    /** The body, refused once it is larger than the limit, however it is sent (chunked or not). */
    private byte[] read(HttpServletRequest http) throws IOException {
        if (http.getContentLengthLong() > maxBodyBytes) {
            throw tooLarge();
        }
        try (InputStream in = http.getInputStream()) {
            byte[] body = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBodyBytes + 1));
            if (body.length > maxBodyBytes) {
                throw tooLarge();
            }
            return body;
        }
    }

    private KServeRequest.InvalidBodyException tooLarge() {
        return new KServeRequest.InvalidBodyException(ProblemType.UPLOAD_TOO_LARGE,
                "the body is larger than " + maxBodyBytes + " bytes (the largest upload, in base64)");
    }
}
