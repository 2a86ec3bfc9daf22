package dev.scorecam.api;

import java.util.List;

import dev.scorecam.cam.Box;
import dev.scorecam.cam.Detection;
import dev.scorecam.explain.Detections;
import dev.scorecam.imaging.Placement;

/**
 * The JSON form of a detector's detections of one image, best first, boxes in the uploaded
 * image's own pixels.
 *
 * @param width the uploaded image's width in pixels (after its EXIF orientation)
 */
record DetectionResponse(String model, int width, int height, List<Found> detections, Stats stats) {

    /** A box in pixels, [x0,x1] x [y0,y1], the image spanning [0,width] x [0,height]; rounded to 0.01 px. */
    record Corners(double x0, double y0, double x1, double y1) {

        static Corners of(Box box) {
            return new Corners(round(box.x0()), round(box.y0()), round(box.x1()), round(box.y1()));
        }

        private static double round(double pixels) {
            return Math.round(pixels * 100) / 100.0;
        }
    }

    /**
     * One detection.
     *
     * @param index its place among the image's detections, best first: what {@code detection=} names
     */
    record Found(int index, Corners box, int classIndex, String label, float score) {

        static Found of(Detection detection, Placement placement, List<String> labels) {
            int c = detection.classIndex();
            return new Found(detection.index(), Corners.of(Detections.inImage(detection.box(), placement)), c,
                    c < labels.size() ? labels.get(c) : Integer.toString(c), detection.score());
        }
    }

    /** @param computeMillis the detector's forward pass */
    record Stats(long computeMillis) {}

    static DetectionResponse of(Detections found, float minScore) {
        List<String> labels = found.model().modelPackage().labels();
        return new DetectionResponse(found.model().name(), found.width(), found.height(),
                found.detections().stream()
                        .filter(d -> d.score() >= minScore)
                        .map(d -> Found.of(d, found.placement(), labels))
                        .toList(),
                new Stats(found.computeMillis()));
    }
}
