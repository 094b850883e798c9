# deref_int.bt and var_width.bt: one getppid(2).
import os

os.getppid()
