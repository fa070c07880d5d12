"""Evaluation harness: sacrebleu-exact MT scores, paired significance tests, reports, alignment scoring."""
