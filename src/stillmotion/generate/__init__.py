"""Stories and generative animation.

- :mod:`.schedule` (+ :mod:`.expression`): Deforum keyframe schedules, evaluated safely.
- :mod:`.story`, :mod:`.film`, :mod:`.dissolve`: multi-scene stories joined by overlapping dissolves.
- :mod:`.deforum_settings`, :mod:`.deforum_run`, :mod:`.deforum_motion`, :mod:`.motion2d`, :mod:`.motion3d`:
  Deforum settings files, 2D affine and 3D camera motion.
- :mod:`.loop`: the generative loop (warp, colour coherence, contrast, anti-blur, noise, repair, cadence);
  :mod:`.classical_repair` (core install) and :mod:`.diffusion_repair` + :mod:`.generators` (extra ``neural``).

Nothing here imports torch until a generator is asked for.
"""
