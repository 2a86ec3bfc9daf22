package dev.scorecam.cache;

import java.util.Optional;

/** Where answers are kept, by the content hash of their request; bounded and expiring. */
interface AnswerStore {

    Optional<Answer> get(String key);

    void put(String key, Answer answer);
}
