/* SPDX-License-Identifier: MIT */
/* Umbrella header for cmd/: every lib module's interface. */
#ifndef WA_H
#define WA_H

#include "err.h"
#include "util.h"
#include "config.h"
#include "cli.h"
#include "jsonl.h"
#include "out.h"
#include "store.h"
#include "schema.h"
#include "graph.h"

#endif
