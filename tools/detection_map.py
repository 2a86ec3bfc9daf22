"""Mean average precision of a detector, VOC style (all-point interpolation).

Boxes are [x0, y0, x1, y1] in pixel edges (x1, y1 exclusive), so a box's area is
(x1 - x0) * (y1 - y0).  A detection is a true positive when its IoU with a not yet matched
ground-truth box of its class is at least the threshold (the best-overlapping one is tried);
detections are taken best score first over the whole set.  AP is the area under the
precision-recall curve after making precision monotone (PASCAL VOC 2010 and later); mAP is the
mean over the classes that have ground truth.
"""

import numpy as np


def iou(box, boxes):
    """IoU of one box [4] with each of boxes [M,4]."""
    boxes = np.asarray(boxes, dtype=np.float64).reshape(-1, 4)
    ix = np.clip(np.minimum(box[2], boxes[:, 2]) - np.maximum(box[0], boxes[:, 0]), 0, None)
    iy = np.clip(np.minimum(box[3], boxes[:, 3]) - np.maximum(box[1], boxes[:, 1]), 0, None)
    inter = ix * iy
    area = (box[2] - box[0]) * (box[3] - box[1])
    areas = (boxes[:, 2] - boxes[:, 0]) * (boxes[:, 3] - boxes[:, 1])
    return inter / np.maximum(area + areas - inter, 1e-12)


def average_precision(detections, truths, iou_threshold=0.5):
    """AP of one class. detections: [(image, score, box)]; truths: {image: [box, ...]}."""
    total = sum(len(b) for b in truths.values())
    if total == 0:
        raise ValueError("no ground truth for this class")
    matched = {image: np.zeros(len(b), dtype=bool) for image, b in truths.items()}
    hits = []
    for image, _score, box in sorted(detections, key=lambda d: -d[1]):
        gt = truths.get(image, [])
        hit = False
        if len(gt):
            overlaps = iou(np.asarray(box, dtype=np.float64), gt)
            overlaps[matched[image]] = -1.0
            best = int(np.argmax(overlaps))
            if overlaps[best] >= iou_threshold:
                matched[image][best] = True
                hit = True
        hits.append(hit)
    hits = np.asarray(hits, dtype=np.float64)
    tp = np.cumsum(hits)
    recall = np.concatenate([[0.0], tp / total, [1.0]])
    precision = np.concatenate([[0.0], tp / np.maximum(np.arange(1, len(hits) + 1), 1), [0.0]])
    precision = np.maximum.accumulate(precision[::-1])[::-1]
    step = np.nonzero(recall[1:] != recall[:-1])[0]
    return float(np.sum((recall[step + 1] - recall[step]) * precision[step + 1]))


def mean_average_precision(predictions, truth_boxes, truth_classes, iou_threshold=0.5):
    """predictions: per image an array [D,6] of rows [x0,y0,x1,y1,score,class] (class -1 =
    padding); truth_boxes / truth_classes: per image [S,4] and [S] (class -1 = no garment).
    Returns (mAP, {class: AP})."""
    truths, detections = {}, {}
    for image, (boxes, classes) in enumerate(zip(truth_boxes, truth_classes)):
        for box, c in zip(np.asarray(boxes), np.asarray(classes)):
            if c >= 0:
                truths.setdefault(int(c), {}).setdefault(image, []).append(box)
    for image, rows in enumerate(predictions):
        for row in np.asarray(rows):
            if row[5] >= 0:
                detections.setdefault(int(row[5]), []).append((image, float(row[4]), row[:4]))
    aps = {c: average_precision(detections.get(c, []), truths[c], iou_threshold)
           for c in sorted(truths)}
    return float(np.mean(list(aps.values()))), aps
