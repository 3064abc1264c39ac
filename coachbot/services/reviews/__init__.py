"""Reviews: who reviews (routing), recording feedback and decisions, the teacher's news of them,
and calibration (blind pairs, third reviewers, anchors)."""
