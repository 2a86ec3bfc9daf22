package dev.scorecam;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.slf4j.LoggerFactory;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;

/**
 * A test that breaks the engine on purpose: the worker's ERROR log with its stack trace (right in
 * production) is muted for the test's duration, so that a green build shows no failure that is
 * not one. The test asserts the failure itself.
 */
@Target({ElementType.METHOD, ElementType.TYPE})
@Retention(RetentionPolicy.RUNTIME)
@ExtendWith(EngineFailureExpected.Muting.class)
public @interface EngineFailureExpected {

    /** Where a worker logs an engine failure. */
    String WORKER_LOG = "dev.scorecam.jobs.JobQueue";
    /** ...and a worker of the Redis job system. */
    String REDIS_WORKER_LOG = "dev.scorecam.jobs.redis.Worker";

    final class Muting implements BeforeEachCallback, AfterEachCallback {

        private static final ExtensionContext.Namespace LEVELS = ExtensionContext.Namespace.create(Muting.class);

        @Override
        public void beforeEach(ExtensionContext context) {
            for (String log : java.util.List.of(WORKER_LOG, REDIS_WORKER_LOG)) {
                Logger worker = (Logger) LoggerFactory.getLogger(log);
                context.getStore(LEVELS).put(log, worker.getLevel() == null ? "" : worker.getLevel().levelStr);
                worker.setLevel(Level.OFF);
            }
        }

        @Override
        public void afterEach(ExtensionContext context) {
            for (String log : java.util.List.of(WORKER_LOG, REDIS_WORKER_LOG)) {
                String before = context.getStore(LEVELS).remove(log, String.class);
                ((Logger) LoggerFactory.getLogger(log)).setLevel(before == null || before.isEmpty() ? null : Level.toLevel(before));
            }
        }
    }
}
