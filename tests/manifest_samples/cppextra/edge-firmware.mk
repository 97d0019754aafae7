# target-specific, override, continuation, define blocks and $(shell ...) are all valid make
CROSS_COMPILE ?= arm-none-eabi-
CC := $(CROSS_COMPILE)gcc
override CFLAGS += -mcpu=cortex-m4 -mthumb \
                   -ffreestanding
firmware.elf: LDLIBS += -lnosys \
	-lc_nano
HELP_TEXT = "link with -lm if you like"  # a quoted word is not a flag
LIBS = $(shell pkg-config --libs libsodium openssl) -l$(EXTRA)
define RECIPE
CC = emcc
LDLIBS = -lvulkan
endef
export LD_LIBRARY_PATH = /opt/lib
ARFLAGS = rcs
tests: ; $(CC) -lfoo
