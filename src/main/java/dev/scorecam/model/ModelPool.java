package dev.scorecam.model;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * One model on every device it is served from: a loaded copy per device (the TorchScript module
 * shared by that device's workers) and how many workers each device runs. Plain Java.
 */
public final class ModelPool implements AutoCloseable {

    private final List<ServedModel> replicas;
    private final int workersPerDevice;

    public ModelPool(List<ServedModel> replicas, int workersPerDevice) {
        if (replicas.isEmpty() || workersPerDevice < 1) {
            throw new IllegalArgumentException("a pool needs at least one device and one worker per device");
        }
        this.replicas = List.copyOf(replicas);
        this.workersPerDevice = workersPerDevice;
    }

    public String name() {
        return primary().name();
    }

    /** The copy on the first device: what requests are checked and prepared against. */
    public ServedModel primary() {
        return replicas.get(0);
    }

    /** One loaded copy per device. */
    public List<ServedModel> replicas() {
        return replicas;
    }

    public int workersPerDevice() {
        return workersPerDevice;
    }

    /** The copy each worker computes on, one entry per worker: devices x workers per device. */
    public List<ServedModel> slots() {
        List<ServedModel> slots = new ArrayList<>();
        for (ServedModel replica : replicas) {
            slots.addAll(Collections.nCopies(workersPerDevice, replica));
        }
        return slots;
    }

    @Override
    public void close() {
        replicas.forEach(ServedModel::close);
    }
}
