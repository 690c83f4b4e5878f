# cmake -DOUTPUT=FILE (-DINPUT=FILE | -DCOMMAND=PROGRAM -DARGUMENT=ARG [-DMAN_TITLE=...]) -P Gzip.cmake
# Writes INPUT's text, or what COMMAND ARGUMENT prints, to OUTPUT, then OUTPUT.gz with gzip -9n
# (no name or time stamp inside: the same input makes the same bytes, as Debian wants). With
# MAN_TITLE (and MAN_NAME, MAN_SUMMARY, MAN_SOURCE), the printed text is a --help that becomes the
# DESCRIPTION of a man page, as it is.
if(DEFINED COMMAND)
  execute_process(COMMAND ${COMMAND} ${ARGUMENT} OUTPUT_VARIABLE text RESULT_VARIABLE result)
  if(NOT result EQUAL 0)
    message(FATAL_ERROR "${COMMAND} ${ARGUMENT} failed: ${result}")
  endif()
  if(DEFINED MAN_TITLE)
    string(REPLACE "\\" "\\e" text "${text}")
    string(REPLACE "-" "\\-" text "${text}")
    string(REGEX REPLACE "(^|\n)([.'])" "\\1\\\\&\\2" text "${text}")
    set(text ".TH ${MAN_TITLE} 1 \"\" \"${MAN_SOURCE}\" \"User Commands\"
.SH NAME
${MAN_NAME} \\- ${MAN_SUMMARY}
.SH DESCRIPTION
.nf
${text}.fi
")
  endif()
  file(WRITE ${OUTPUT} "${text}")
else()
  configure_file(${INPUT} ${OUTPUT} COPYONLY)
endif()
execute_process(COMMAND gzip -9nf ${OUTPUT} RESULT_VARIABLE result)
if(NOT result EQUAL 0)
  message(FATAL_ERROR "gzip -9nf ${OUTPUT} failed: ${result}")
endif()
