#include "CMuJoCo.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

mjModel *pirl_mj_load_xml_string(const char *xml, const char *name, char *error, int error_size) {
    mjVFS *vfs = malloc(sizeof(mjVFS));
    if (vfs == NULL) {
        snprintf(error, error_size, "out of memory for the MuJoCo virtual file system");
        return NULL;
    }
    mj_defaultVFS(vfs);
    int size = (int)strlen(xml);
    if (mj_makeEmptyFileVFS(vfs, name, size) != 0) {
        snprintf(error, error_size, "cannot create %s in the MuJoCo virtual file system", name);
        free(vfs);
        return NULL;
    }
    memcpy(vfs->filedata[vfs->nfile - 1], xml, size);
    mjModel *model = mj_loadXML(name, vfs, error, error_size);
    mj_deleteVFS(vfs);
    free(vfs);
    return model;
}

int pirl_mj_divergence_warnings(const mjData *d) {
    return d->warning[mjWARN_BADQACC].number + d->warning[mjWARN_BADQVEL].number
        + d->warning[mjWARN_BADQPOS].number;
}

static int all_finite(const mjtNum *values, int count) {
    for (int i = 0; i < count; i++) {
        if (!isfinite(values[i])) return 0;
    }
    return 1;
}

int pirl_mj_state_is_finite(const mjModel *m, const mjData *d) {
    return all_finite(d->qpos, m->nq) && all_finite(d->qvel, m->nv) && all_finite(d->qacc, m->nv);
}
