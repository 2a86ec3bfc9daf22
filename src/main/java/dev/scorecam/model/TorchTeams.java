package dev.scorecam.model;

import ai.djl.pytorch.jni.JniUtils;

/**
 * libtorch's intra-op thread count is OpenMP's, a setting of each thread. A thread first reads it,
 * on its first parallel call, from a process-wide value that the last thread to set its own wrote.
 * Lanes and workers run teams of different sizes, so every thread that calls the engine sets its
 * own, after that first read.
 */
final class TorchTeams {

    private static final ThreadLocal<Integer> OWN = new ThreadLocal<>();

    private TorchTeams() {}

    /** The calling thread's team: {@code threads}, unless it has one already (a lane's). */
    static void join(int threads) {
        if (OWN.get() == null) {
            set(threads);
        }
    }

    /** Gives the calling thread a team of {@code threads}. */
    static void set(int threads) {
        JniUtils.getNumThreads();          // the thread's first read of the process-wide value, over with
        JniUtils.setNumThreads(threads);
        OWN.set(threads);
    }

    /** The calling thread's team as libtorch reports it. */
    static int current() {
        return JniUtils.getNumThreads();
    }
}
