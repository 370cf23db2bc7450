# What `cmake --install` puts on a machine and how CPack wraps it as a Debian package
# (scripts/package builds it). Layout as debhelper would make it on Debian 12: programs in
# /usr/bin, units in /lib/systemd/system, the config as a conffile, compressed man pages.

set(CAPSYNC_SYSTEMD_UNIT_DIR "/lib/systemd/system" CACHE PATH
  "Where the systemd units go (Debian 12: /lib/systemd/system; Debian 13: /usr/lib/systemd/system)")
set(CAPSYNC_PACKAGE_MAINTAINER "The capsync authors <capsync@example.org>" CACHE STRING
  "Maintainer field of the Debian package")

install(FILES ${PROJECT_SOURCE_DIR}/systemd/capsync.service ${PROJECT_SOURCE_DIR}/systemd/capsync@.service
  DESTINATION ${CAPSYNC_SYSTEMD_UNIT_DIR})
# World-readable: the unit's dynamic user reads it. Secrets live in their own files.
install(FILES ${PROJECT_SOURCE_DIR}/etc/capsync.yaml DESTINATION /etc/capsync)
install(FILES ${PROJECT_SOURCE_DIR}/etc/completion/capsyncctl.bash
  DESTINATION share/bash-completion/completions RENAME capsyncctl)
install(FILES ${PROJECT_SOURCE_DIR}/etc/completion/_capsyncctl DESTINATION share/zsh/vendor-completions)
install(FILES ${PROJECT_SOURCE_DIR}/etc/debian/copyright ${PROJECT_SOURCE_DIR}/README.md
  DESTINATION share/doc/capsync)
# Monitoring to import: the Grafana dashboard and the Prometheus alert rules (README "Monitoring").
install(FILES ${PROJECT_SOURCE_DIR}/etc/grafana/capsync.json DESTINATION share/capsync/grafana)
install(FILES ${PROJECT_SOURCE_DIR}/etc/prometheus/capsync-alerts.yml DESTINATION share/capsync/prometheus)

# Man pages (their header names the project version) and the changelog are installed
# gzip -9n compressed (no name or time stamp: the same bytes every build), as Debian policy asks.
set(_capsync_gz_dir ${PROJECT_BINARY_DIR}/packaging)
set(_capsync_gz_files)
foreach(doc man/capsyncd.8 man/capsyncctl.8 man/capsync.yaml.5 debian/changelog)
  get_filename_component(_name ${doc} NAME)
  if(doc MATCHES "^man/")
    configure_file(${PROJECT_SOURCE_DIR}/etc/${doc} ${_capsync_gz_dir}/${_name} @ONLY)
  else()
    configure_file(${PROJECT_SOURCE_DIR}/etc/${doc} ${_capsync_gz_dir}/${_name} COPYONLY)
  endif()
  set(_out ${_capsync_gz_dir}/${_name}.gz)
  add_custom_command(OUTPUT ${_out}
    COMMAND gzip -9n -c ${_capsync_gz_dir}/${_name} > ${_out}
    DEPENDS ${_capsync_gz_dir}/${_name} VERBATIM)
  list(APPEND _capsync_gz_files ${_out})
endforeach()
add_custom_target(capsync_docs ALL DEPENDS ${_capsync_gz_files})
install(FILES ${_capsync_gz_dir}/capsyncd.8.gz ${_capsync_gz_dir}/capsyncctl.8.gz DESTINATION share/man/man8)
install(FILES ${_capsync_gz_dir}/capsync.yaml.5.gz DESTINATION share/man/man5)
install(FILES ${_capsync_gz_dir}/changelog.gz DESTINATION share/doc/capsync)

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME capsync)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_CONTACT ${CAPSYNC_PACKAGE_MAINTAINER})
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "sync Capsule CRM with Xero, FreshBooks, KashFlow, FreeAgent or Sage")
set(CPACK_DEBIAN_PACKAGE_DESCRIPTION "A self-hosted daemon that keeps a Capsule CRM account in step with an
accounting service, the way Capsule's own accounting integrations do.
It links accounting contacts to Capsule parties by name, writes each
party's invoice summary and overdue tag into Capsule, pushes contact
edits made in Capsule to the accounting service and reports every
decision it cannot make alone.
.
capsyncd runs under systemd (capsync.service); capsyncctl shows its
status, queues syncs, authorizes connections and resolves conflicts.")
set(CPACK_DEBIAN_PACKAGE_MAINTAINER ${CAPSYNC_PACKAGE_MAINTAINER})
set(CPACK_DEBIAN_PACKAGE_SECTION net)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
# tzdata: time zones decide when an invoice is overdue; ca-certificates: the providers' TLS;
# init-system-helpers: deb-systemd-helper and deb-systemd-invoke in the maintainer scripts.
set(CPACK_DEBIAN_PACKAGE_DEPENDS "tzdata, ca-certificates, init-system-helpers (>= 1.54~)")
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA
  ${PROJECT_SOURCE_DIR}/etc/debian/conffiles ${PROJECT_SOURCE_DIR}/etc/debian/postinst
  ${PROJECT_SOURCE_DIR}/etc/debian/prerm ${PROJECT_SOURCE_DIR}/etc/debian/postrm)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION TRUE)
set(CPACK_STRIP_FILES TRUE)
set(CPACK_SET_DESTDIR ON)
include(CPack)
