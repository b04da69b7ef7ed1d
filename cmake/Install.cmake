# `cmake --install`: the binary, the man pages and shell completions that
# cli/ generates, the built-in schema and the JSON Schemas of the output,
# in the usual places (GNUInstallDirs). And `cpack -G DEB` (scripts/package)
# for a Debian package of the same files.
include(GNUInstallDirs)

install(TARGETS nsearch RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(DIRECTORY ${NSEARCH_GENERATED_DIR}/man/man1/
        DESTINATION ${CMAKE_INSTALL_MANDIR}/man1
        FILES_MATCHING PATTERN "*.1")
install(FILES ${NSEARCH_GENERATED_DIR}/completions/nsearch.bash
        DESTINATION ${CMAKE_INSTALL_DATADIR}/bash-completion/completions
        RENAME nsearch)
install(FILES ${NSEARCH_GENERATED_DIR}/completions/_nsearch
        DESTINATION ${CMAKE_INSTALL_DATADIR}/zsh/vendor-completions)
install(FILES ${NSEARCH_GENERATED_DIR}/completions/nsearch.fish
        DESTINATION ${CMAKE_INSTALL_DATADIR}/fish/vendor_completions.d)
install(FILES ${PROJECT_SOURCE_DIR}/schema/news.yaml
        DESTINATION ${CMAKE_INSTALL_DATADIR}/nsearch/schema)
install(DIRECTORY ${PROJECT_SOURCE_DIR}/schema/output/
        DESTINATION ${CMAKE_INSTALL_DATADIR}/nsearch/schema/output
        FILES_MATCHING PATTERN "*.json")
install(FILES ${PROJECT_SOURCE_DIR}/README.md
              ${PROJECT_SOURCE_DIR}/docs/output-format.md
        DESTINATION ${CMAKE_INSTALL_DOCDIR})

# Debian package. yaml-cpp, ICU, Boost.Program_options and libxml2 are
# linked statically; dpkg-shlibdeps (dpkg-dev) turns the shared libraries
# that remain (Xapian, md4c, libstdc++, zlib, liblzma, libc) into Depends:
# on the runtime packages, never the -dev ones.
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME nsearch)
set(CPACK_PACKAGE_VENDOR nsearch)
set(CPACK_PACKAGE_CONTACT "nsearch maintainers <nsearch@localhost>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY
    "search engine for news and content sites (Markdown, YAML front matter, Xapian)")
set(CPACK_PACKAGE_DESCRIPTION
    "nsearch indexes a tree of Markdown files that open with YAML front matter
into a Xapian database and answers ranked boolean and phrase queries: at the
terminal for people, and as a subprocess with a stable JSON contract.")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION utils)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_SUGGESTS "bash-completion")
# `nsearch serve` runs xapian-tcpsrv.
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "xapian-tools")
include(CPack)
