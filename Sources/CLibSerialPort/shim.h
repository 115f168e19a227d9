// libserialport 0.1.x (Debian: libserialport-dev). Used for real USB-serial
// adapters only: it cannot open pseudo-terminals, see TermiosTransport.
#include <libserialport.h>
