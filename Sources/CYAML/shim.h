// Only includes libyaml's header: its event parser imports into Swift as is.
#include <yaml.h>
