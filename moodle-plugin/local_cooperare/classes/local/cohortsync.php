<?php
// This file is part of Moodle - https://moodle.org/
//
// Moodle is free software: you can redistribute it and/or modify
// it under the terms of the GNU General Public License as published by
// the Free Software Foundation, either version 3 of the License, or
// (at your option) any later version.
//
// Moodle is distributed in the hope that it will be useful,
// but WITHOUT ANY WARRANTY; without even the implied warranty of
// MERCHANTABILITY or FITNESS FOR A PARTICULAR PURPOSE.  See the
// GNU General Public License for more details.
//
// You should have received a copy of the GNU General Public License
// along with Moodle.  If not, see <https://www.gnu.org/licenses/>.

namespace local_cooperare\local;

use context_course;
use invalid_parameter_exception;
use moodle_exception;
use stdClass;

/**
 * Cohort sync enrolment instances (enrol_cohort): cohort → course, with a role and an optional group.
 *
 * One instance per cohort and course is managed; it is keyed by the cohort's idnumber.
 *
 * @package    local_cooperare
 * @copyright  2026 Asociația Comunelor din România
 * @license    https://www.gnu.org/copyleft/gpl.html GNU GPL v3 or later
 */
class cohortsync {
    /**
     * The enrol_cohort plugin, which must be enabled.
     *
     * @param string $what
     * @return \enrol_cohort_plugin
     */
    private static function plugin(string $what): \enrol_cohort_plugin {
        global $CFG;
        require_once($CFG->dirroot . '/cohort/lib.php');
        require_once($CFG->dirroot . '/group/lib.php');
        if (!enrol_is_enabled('cohort')) {
            throw new moodle_exception('cohortsyncdisabled', 'local_cooperare', '', $what);
        }
        return enrol_get_plugin('cohort');
    }

    /**
     * The cohort with this idnumber, visible from the course.
     *
     * @param string $idnumber
     * @param context_course $context
     * @param string $what
     * @return stdClass
     */
    public static function cohort(string $idnumber, context_course $context, string $what): stdClass {
        global $DB;
        if (trim($idnumber) === '') {
            throw new invalid_parameter_exception("{$what}: the cohort idnumber is empty");
        }
        $cohorts = $DB->get_records('cohort', ['idnumber' => $idnumber], 'id', '*', 0, 2);
        if (count($cohorts) !== 1) {
            throw new invalid_parameter_exception("{$what}: " . ($cohorts ? 'more than one cohort has' : 'no cohort has')
                . ' this idnumber');
        }
        $cohort = reset($cohorts);
        if (!cohort_can_view_cohort($cohort, $context)) {
            throw new invalid_parameter_exception("{$what}: the cohort cannot be used in this course");
        }
        return $cohort;
    }

    /**
     * The cohort sync instance of a cohort in a course (the managed one if several), or null.
     *
     * @param int $courseid
     * @param int $cohortid
     * @param string $cohortidnumber
     * @return stdClass|null
     */
    private static function instance(int $courseid, int $cohortid, string $cohortidnumber): ?stdClass {
        global $DB;
        $instances = $DB->get_records('enrol', ['courseid' => $courseid, 'enrol' => 'cohort', 'customint1' => $cohortid],
            'id');
        return items::managed_or_first($courseid, items::KIND_COHORTSYNC, $cohortidnumber, $instances);
    }

    /**
     * Managed fields of an instance.
     *
     * @param stdClass $instance
     * @return array
     */
    private static function state(stdClass $instance): array {
        return [
            'cohortid' => (string) (int) $instance->customint1,
            'roleid' => (string) (int) $instance->roleid,
            'groupid' => (string) (int) $instance->customint2,
            'status' => (string) (int) $instance->status,
            'name' => (string) $instance->name,
        ];
    }

    /**
     * Add or update the cohort sync instance of one cohort in one course.
     *
     * @param stdClass $course
     * @param context_course $context
     * @param array $item one validated item of save_cohort_sync
     * @return array result item
     */
    public static function save(stdClass $course, context_course $context, array $item): array {
        global $DB;
        $what = "cohort sync of '{$item['cohortidnumber']}' in course {$course->id}";
        $plugin = self::plugin($what);
        $spechash = util::check_spechash($item['spechash'], $what);
        $cohort = self::cohort($item['cohortidnumber'], $context, $what);

        $role = $DB->get_record('role', ['shortname' => $item['role']]);
        if (!$role || !array_key_exists($role->id, get_assignable_roles($context, ROLENAME_SHORT))) {
            throw new invalid_parameter_exception("{$what}: role '{$item['role']}' cannot be assigned in this course");
        }
        $groupid = 0;
        if ($item['groupidnumber'] !== '') {
            $group = groups_get_group_by_idnumber($course->id, $item['groupidnumber']);
            $groupid = $group ? (int) $group->id : 0;
            if (!$groupid) {
                throw new invalid_parameter_exception("{$what}: no group with idnumber '{$item['groupidnumber']}' in "
                    . 'the course');
            }
        }
        if (!in_array((int) $item['status'], [ENROL_INSTANCE_ENABLED, ENROL_INSTANCE_DISABLED], true)) {
            throw new invalid_parameter_exception("{$what}: status must be 0 (enabled) or 1 (disabled)");
        }
        if (\core_text::strlen($item['name']) > 255) {
            throw new invalid_parameter_exception("{$what}: the name is longer than 255 characters");
        }
        $desired = [
            'cohortid' => (string) (int) $cohort->id,
            'roleid' => (string) (int) $role->id,
            'groupid' => (string) $groupid,
            'status' => (string) (int) $item['status'],
            'name' => $item['name'],
        ];

        $instance = self::instance($course->id, (int) $cohort->id, $item['cohortidnumber']);
        if (!$instance) {
            $enrolid = $plugin->add_instance($course, [
                'customint1' => $cohort->id,
                'roleid' => $role->id,
                'customint2' => $groupid,
                'status' => (int) $item['status'],
                'name' => $item['name'],
            ]);
            $action = 'created';
        } else {
            $enrolid = (int) $instance->id;
            $current = self::state($instance);
            $action = 'unchanged';
            if ($desired !== $current) {
                if ($desired['status'] !== $current['status']) {
                    $plugin->update_status($instance, (int) $desired['status']);
                    $instance = $DB->get_record('enrol', ['id' => $enrolid], '*', MUST_EXIST);
                }
                $data = (object) [
                    'roleid' => (int) $role->id,
                    'customint1' => (int) $cohort->id,
                    'customint2' => $groupid,
                    'status' => (int) $item['status'],
                    'name' => $item['name'],
                ];
                $plugin->update_instance($instance, $data);
                $action = 'updated';
            }
        }
        $instance = $DB->get_record('enrol', ['id' => $enrolid], '*', MUST_EXIST);
        items::save($course->id, items::KIND_COHORTSYNC, $item['cohortidnumber'], (int) $enrolid, $spechash, '',
            util::hash(self::state($instance)));
        return [
            'courseid' => (int) $course->id,
            'cohortidnumber' => $item['cohortidnumber'],
            'cohortid' => (int) $cohort->id,
            'enrolid' => (int) $enrolid,
            'groupid' => $groupid,
            'action' => $action,
        ];
    }

    /**
     * Remove the cohort sync instance of one cohort from one course, if the plugin created it.
     *
     * @param stdClass $course
     * @param context_course $context
     * @param array $item one validated item of delete_cohort_sync
     * @return array result item
     */
    public static function delete(stdClass $course, context_course $context, array $item): array {
        global $DB;
        $what = "cohort sync of '{$item['cohortidnumber']}' in course {$course->id}";
        $plugin = self::plugin($what);
        $row = items::get($course->id, items::KIND_COHORTSYNC, $item['cohortidnumber']);
        $cohorts = $DB->get_records('cohort', ['idnumber' => $item['cohortidnumber']], 'id', 'id', 0, 2);
        $instance = null;
        if (count($cohorts) === 1) {
            $instance = self::instance($course->id, (int) reset($cohorts)->id, $item['cohortidnumber']);
        } else if ($row) {
            $instance = $DB->get_record('enrol', ['id' => $row->objectid, 'enrol' => 'cohort']) ?: null;
        }
        if ($instance && (!$row || (int) $row->objectid !== (int) $instance->id)) {
            throw new moodle_exception('notmanaged', 'local_cooperare', '', $what);
        }
        $enrolid = 0;
        if ($instance) {
            require_capability('enrol/cohort:config', $context);
            $enrolid = (int) $instance->id;
            $plugin->delete_instance($instance);
        }
        if ($row) {
            items::delete($course->id, items::KIND_COHORTSYNC, $item['cohortidnumber']);
        }
        return [
            'courseid' => (int) $course->id,
            'cohortidnumber' => $item['cohortidnumber'],
            'enrolid' => $enrolid,
            'action' => $instance ? 'deleted' : 'notfound',
        ];
    }

    /**
     * Describe the cohort sync instances of a course.
     *
     * @param stdClass $course
     * @return array (see describe_courses)
     */
    public static function describe(stdClass $course): array {
        global $DB;
        $managed = [];
        foreach (items::get_all($course->id, items::KIND_COHORTSYNC) as $row) {
            $managed[(int) $row->objectid] = $row;
        }
        $result = [];
        foreach ($DB->get_records('enrol', ['courseid' => $course->id, 'enrol' => 'cohort'], 'id') as $instance) {
            $cohort = $DB->get_record('cohort', ['id' => $instance->customint1], 'id, idnumber');
            $role = $DB->get_record('role', ['id' => $instance->roleid], 'id, shortname');
            $group = $instance->customint2 ? $DB->get_record('groups', ['id' => $instance->customint2], 'id, idnumber')
                : null;
            $row = $managed[(int) $instance->id] ?? null;
            $result[] = [
                'enrolid' => (int) $instance->id,
                'cohortid' => (int) $instance->customint1,
                'cohortidnumber' => $cohort ? (string) $cohort->idnumber : '',
                'role' => $role ? (string) $role->shortname : '',
                'roleid' => (int) $instance->roleid,
                'groupid' => (int) $instance->customint2,
                'groupidnumber' => $group ? (string) $group->idnumber : '',
                'status' => (int) $instance->status,
                'name' => (string) $instance->name,
                'managed' => $row !== null,
                'spechash' => $row ? $row->spechash : '',
                'drift' => $row !== null && $row->statehash !== util::hash(self::state($instance)),
            ];
        }
        return $result;
    }
}
