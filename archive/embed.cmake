# embed.cmake -- IN (a text file) as a comma-separated list of byte values
# in OUT, to #include inside a C array initializer.
#   cmake -DIN=file -DOUT=file.inc -P embed.cmake
file(READ ${IN} hex HEX)
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," bytes "${hex}")
string(REGEX REPLACE "(0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,)" "\\1\n" bytes "${bytes}")
file(WRITE ${OUT} "/* generated from ${IN} by archive/embed.cmake */\n${bytes}\n")
