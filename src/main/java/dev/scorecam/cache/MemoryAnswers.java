package dev.scorecam.cache;

import java.time.Duration;
import java.util.Optional;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;

/** Answers in this process: at most {@code maxBytes} of them, each for {@code ttl}, least recently used out first. */
final class MemoryAnswers implements AnswerStore {

    private final Cache<String, Answer> answers;

    MemoryAnswers(long maxBytes, Duration ttl) {
        this.answers = Caffeine.newBuilder()
                .maximumWeight(maxBytes)
                .weigher((String key, Answer answer) -> (int) Math.min(Integer.MAX_VALUE, answer.bytes()))
                .expireAfterWrite(ttl)
                .build();
    }

    @Override
    public Optional<Answer> get(String key) {
        return Optional.ofNullable(answers.getIfPresent(key));
    }

    @Override
    public void put(String key, Answer answer) {
        answers.put(key, answer);
    }
}
