"""RAFT (Teed & Deng, "RAFT: Recurrent All-Pairs Field Transforms for Optical Flow", ECCV 2020), written for
stillmotion in torch and compatible with the authors' checkpoints. Importing this package imports no torch;
:mod:`.model` and :mod:`.backend` do."""
