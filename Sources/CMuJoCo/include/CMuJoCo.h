// MuJoCo 2.2.2 (Debian: libmujoco-dev). Swift imports mujoco.h directly; this
// shim adds only what Swift cannot do in one call: load MJCF from a string
// through MuJoCo's virtual file system, and read the divergence warnings.
#ifndef PIRL_CMUJOCO_H
#define PIRL_CMUJOCO_H
#include <mujoco/mujoco.h>

/// mj_loadXML() on `xml` held in memory (a one-file mjVFS named `name`).
/// Returns NULL on failure with MuJoCo's message in `error`.
mjModel *pirl_mj_load_xml_string(const char *xml, const char *name, char *error, int error_size);

/// Number of times MuJoCo has flagged the state as bad since the last reset:
/// mjWARN_BADQACC + mjWARN_BADQVEL + mjWARN_BADQPOS (MuJoCo resets the data
/// itself after such a warning, so a caller must treat the episode as lost).
int pirl_mj_divergence_warnings(const mjData *d);

/// 1 when qpos, qvel and qacc are all finite, else 0.
int pirl_mj_state_is_finite(const mjModel *m, const mjData *d);
#endif
