# cmake -DBUILD_DIR=... -DWORK_DIR=... -P InstallRelocated.cmake
# Installs the build into a prefix, moves the prefix elsewhere and runs pipescope from there: the
# installed pipescope must find its installed worker (no PIPESCOPE_WORKER, none next to it), and
# every file of the install must be in place.
file(REMOVE_RECURSE ${WORK_DIR})
execute_process(COMMAND ${CMAKE_COMMAND} --install ${BUILD_DIR} --prefix ${WORK_DIR}/installed
                OUTPUT_QUIET RESULT_VARIABLE result)
if(NOT result EQUAL 0)
  message(FATAL_ERROR "cmake --install failed: ${result}")
endif()
file(RENAME ${WORK_DIR}/installed ${WORK_DIR}/moved)
set(prefix ${WORK_DIR}/moved)
set(app_id io.github.pipescope.PipeScope)
foreach(path bin/pipescope bin/pipescope-bench lib/pipescope/pipescope-worker
        share/applications/${app_id}.desktop share/metainfo/${app_id}.metainfo.xml
        share/icons/hicolor/16x16/apps/${app_id}.png share/icons/hicolor/48x48/apps/${app_id}.png
        share/icons/hicolor/256x256/apps/${app_id}.png share/icons/hicolor/512x512/apps/${app_id}.png
        share/icons/hicolor/scalable/apps/${app_id}.svg share/man/man1/pipescope.1.gz
        share/bash-completion/completions/pipescope share/doc/pipescope/copyright
        share/doc/pipescope/changelog.gz)
  if(NOT EXISTS ${prefix}/${path})
    message(FATAL_ERROR "not installed: ${path}")
  endif()
endforeach()
if(EXISTS ${prefix}/bin/pipescope-worker)
  message(FATAL_ERROR "pipescope-worker is installed next to pipescope, not in lib/pipescope")
endif()
execute_process(COMMAND ${CMAKE_COMMAND} -E env --unset=PIPESCOPE_WORKER
                        ${prefix}/bin/pipescope run sender-receiver --time-scale 0 --quiet
                OUTPUT_VARIABLE output ERROR_VARIABLE errors RESULT_VARIABLE result)
if(NOT result EQUAL 0 OR NOT output MATCHES "Summary: sender-receiver, 11 messages")
  message(FATAL_ERROR "the moved install does not run (${result}):\n${output}${errors}")
endif()
message(STATUS "the moved install runs: ${output}")
file(REMOVE_RECURSE ${WORK_DIR})
