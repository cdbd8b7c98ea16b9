//! Closed-form bargaining theory (filled in by the theory work).
