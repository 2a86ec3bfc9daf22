package dev.scorecam.queue;

import java.util.HashMap;
import java.util.Map;

import io.micrometer.tracing.Span;
import io.micrometer.tracing.Tracer;
import io.micrometer.tracing.propagation.Propagator;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

import dev.scorecam.cam.Progress;
import dev.scorecam.explain.PreparedRequest;

/**
 * One trace from the HTTP request into the worker, whichever process that worker is in: the request
 * takes the W3C {@code traceparent} of the span current when it is queued, and its computation runs
 * in a span of that trace ({@value #SPAN}), each scored batch an event of it. Without tracing
 * (no tracer, or spans not sampled) this costs nothing.
 */
@Component
public class JobTracing {

    /** Traces nothing: for tests and benchmarks without Spring. */
    public static final JobTracing NONE = new JobTracing(Tracer.NOOP, Propagator.NOOP);

    static final String SPAN = "scorecam.job";
    static final String TRACEPARENT = "traceparent";

    private final Tracer tracer;
    private final Propagator propagator;

    @Autowired
    JobTracing(ObjectProvider<Tracer> tracer, ObjectProvider<Propagator> propagator) {
        this(tracer.getIfAvailable(() -> Tracer.NOOP), propagator.getIfAvailable(() -> Propagator.NOOP));
    }

    private JobTracing(Tracer tracer, Propagator propagator) {
        this.tracer = tracer;
        this.propagator = propagator;
    }

    /** The request in the current trace, if there is one. */
    PreparedRequest carry(PreparedRequest prepared) {
        Span current = tracer.currentSpan();
        if (current == null) {
            return prepared;
        }
        Map<String, String> headers = new HashMap<>();
        propagator.inject(current.context(), headers, Map::put);
        String parent = headers.get(TRACEPARENT);
        return parent == null ? prepared : prepared.inTrace(parent);
    }

    /**
     * Runs a job's computation in its span: a child of the span that queued it, or the start of a
     * trace when it carries none. {@code work} gets the progress to report, which also marks each
     * batch in the span.
     */
    <T> T compute(PreparedRequest prepared, Progress progress, Work<T> work) throws Exception {
        Span.Builder builder = prepared.traceParent() == null ? tracer.spanBuilder()
                : propagator.extract(Map.of(TRACEPARENT, prepared.traceParent()), Map::get);
        Span span = builder.name(SPAN)
                .kind(Span.Kind.CONSUMER)
                .tag("model", prepared.model().name())
                .tag("method", prepared.choice().name())
                .start();
        try (Tracer.SpanInScope scope = tracer.withSpan(span)) {
            return work.run((done, total) -> {
                span.event("scored " + done + " of " + total);
                progress.maskedInputsScored(done, total);
            });
        } catch (Exception | Error e) {
            span.error(e);
            throw e;
        } finally {
            span.end();
        }
    }

    /** A computation given the progress to report to. */
    @FunctionalInterface
    interface Work<T> {
        T run(Progress progress) throws Exception;
    }
}
