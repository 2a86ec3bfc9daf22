package dev.scorecam.api;

import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import java.time.Duration;
import java.util.UUID;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.ResultActions;
import org.springframework.test.web.servlet.setup.MockMvcBuilders;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

import dev.scorecam.jobs.JobError;
import dev.scorecam.jobs.JobFailedException;
import dev.scorecam.jobs.JobStatus;
import dev.scorecam.jobs.QueueFullException;
import dev.scorecam.jobs.ShuttingDownException;
import dev.scorecam.problem.ProblemType;
import tools.jackson.databind.JsonNode;

/**
 * The problems a running server cannot be made to answer on demand (a full queue, a timeout, an
 * engine failure, a shutdown), thrown as the job system throws them and mapped by the advice:
 * each is the catalogue's type, title and status with the contract's example detail.
 */
class ProblemAdviceTest {

    /**
     * Throws what the job system would, with the values of the contract's examples. Nested in a
     * test class, so component scanning leaves it out of the application's other tests.
     */
    @RestController
    static class Thrower {

        @GetMapping("/throw/{type}")
        void fail(@PathVariable ProblemType type) {
            throw switch (type) {
                case QUEUE_FULL -> new QueueFullException("fashion-cnn", 64, Duration.ofSeconds(3));
                case SHUTTING_DOWN -> new ShuttingDownException();
                case TIMEOUT -> new JobFailedException(JobError.timedOut(Duration.ofSeconds(60)));
                case INFERENCE_FAILED -> new JobFailedException(JobError.inferenceFailed(UUID.fromString(ProblemExamples.JOB)));
                case JOB_CANCELLED -> new JobFailedException(JobError.cancelledByClient());
                case JOB_NOT_FINISHED -> new JobNotFinishedException(ProblemExamples.JOB, JobStatus.RUNNING);
                default -> throw new IllegalArgumentException("no sample for " + type);
            };
        }
    }

    final MockMvc mvc = MockMvcBuilders.standaloneSetup(new Thrower()).setControllerAdvice(new ProblemAdvice()).build();

    @ParameterizedTest
    @EnumSource(names = {"QUEUE_FULL", "SHUTTING_DOWN", "TIMEOUT", "INFERENCE_FAILED", "JOB_CANCELLED", "JOB_NOT_FINISHED"})
    void aJobProblemIsAnsweredAsDocumented(ProblemType type) throws Exception {
        JsonNode example = ProblemCatalogueTest.documentedExamples().get(type.slug());

        ResultActions answer = mvc.perform(get("/throw/{type}", type))
                .andExpect(status().is(type.status()))
                .andExpect(content().contentType(ApiDocumentation.PROBLEM_JSON))
                .andExpect(jsonPath("$.type").value("/problems/" + type.slug()))
                .andExpect(jsonPath("$.title").value(type.title()))
                .andExpect(jsonPath("$.status").value(type.status()))
                .andExpect(jsonPath("$.detail").value(example.get("detail").asString()));
        if (type == ProblemType.QUEUE_FULL) {
            answer.andExpect(header().string("Retry-After", "3"));
        } else {
            answer.andExpect(header().doesNotExist("Retry-After"));
        }
    }
}
